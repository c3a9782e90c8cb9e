"""Text encoders: the protocol and model path (base), one backend per module, the ONNX export."""
