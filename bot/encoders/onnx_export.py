"""Export a sentence-transformers model to the ONNX folder that `bot.encoders.onnx` loads.

Run at index build time (torch is loaded then anyway); the query path then never imports
torch. One graph does it all: BERT -> pooling (as configured in the model's 1_Pooling) ->
L2 normalization, with inputs `input_ids` and `attention_mask` of dynamic batch and length.
The exporter is torch's TorchScript one (`dynamo=False`): it needs no extra package (the
dynamo one needs onnxscript) and works offline. Weights go to `model.onnx.data`, which ONNX
Runtime maps instead of parsing. The result is checked against torch before the settings file
that marks a complete export is written; the whole export takes a few seconds. Any failure
raises `OnnxExportError`, upon which the caller keeps sentence-transformers.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from bot.encoders.onnx import FORMAT_VERSION, SETTINGS_FILE, OnnxEncoder
from bot.errors import ModelError

MODEL_FILE = "model.onnx"
DATA_SUFFIX = ".data"  # the weights: model.onnx.data
TOKENIZER_FILE = "tokenizer.json"
OPSET = 17
MIN_COSINE = {False: 0.9999, True: 0.95}  # ONNX vs torch on the check texts, by `quantize`
POOLING_MODES = ("mean", "cls", "max")
_CHECK_TEXTS = (  # a padded batch of a few lengths; kept short because the check runs on every build
    "How do mitochondria produce energy?",
    "Wie geht es dir heute? 今日はいい天気ですね。 🎉 3.14",
    "",
    " ".join(["Mitochondria turn nutrients into ATP, the energy currency of the cell."] * 6),
)


class OnnxExportError(ModelError):
    """The model could not be exported to ONNX; the caller should keep sentence-transformers."""


def export_onnx(model_path: str, out_dir: Path, *, name: str | None = None, quantize: bool = False) -> Path:
    """Export the sentence-transformers model folder `model_path` into `out_dir`; return `out_dir`.

    `name` is recorded as the encoder's name (default: `model_path`); pass the model identifier
    the index manifest uses. `quantize=True` stores a dynamically quantized int8 model (faster,
    slightly different vectors). Raises `OnnxExportError` with a one-line reason on any failure.
    """
    out_dir = Path(out_dir)
    try:
        return _export(Path(model_path), out_dir, name or model_path, quantize)
    except OnnxExportError:
        raise
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise OnnxExportError(f"Could not export the model to ONNX: {type(exc).__name__}: {reason}") from exc


def _export(model_dir: Path, out_dir: Path, name: str, quantize: bool) -> Path:
    started = time.perf_counter()
    config = read_st_config(model_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / SETTINGS_FILE).unlink(missing_ok=True)  # an old export stays invalid until this one is checked
    module = _load_module(model_dir / config["transformer_path"], config["pooling"])
    traced, fused, int8 = (out_dir / f"model.{stage}.tmp.onnx" for stage in ("traced", "fused", "int8"))
    try:
        _torch_export(module, traced)
        is_fused = _fuse(traced, fused, config)
        graph = fused if is_fused else traced
        if quantize:
            _quantize(graph, int8)
            graph = int8
        _save_with_external_data(graph, out_dir / MODEL_FILE)
    finally:
        for stage in (traced, fused, int8):
            stage.unlink(missing_ok=True)
    shutil.copyfile(model_dir / config["transformer_path"] / TOKENIZER_FILE, out_dir / TOKENIZER_FILE)
    settings = {
        "format": FORMAT_VERSION,
        "name": name,
        "model_file": MODEL_FILE,
        "tokenizer_file": TOKENIZER_FILE,
        "dimension": config["dimension"],
        "max_seq_length": config["max_seq_length"],
        "do_lower_case": config["do_lower_case"],
        "pooling": config["pooling"],
        "normalize": True,
        "pad_id": config["pad_id"],
        "output": "sentence_embedding",
        "quantized": quantize,
        "exporter": f"torch {_torch_version()} torch.onnx.export(dynamo=False), opset {OPSET}",
        "fused": is_fused,
    }
    settings["check_cosine"] = _check(module, out_dir, settings)
    settings["export_seconds"] = round(time.perf_counter() - started, 2)
    _write_json(out_dir / f"{SETTINGS_FILE}.tmp", settings)
    os.replace(out_dir / f"{SETTINGS_FILE}.tmp", out_dir / SETTINGS_FILE)
    return out_dir


def read_st_config(model_dir: Path) -> dict[str, Any]:
    """What the export needs from a sentence-transformers folder; refuses pipelines it can't reproduce."""
    modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    kinds = {module["type"].rsplit(".", 1)[-1]: module.get("path", "") for module in modules}
    if set(kinds) - {"Transformer", "Pooling", "Normalize"} or not {"Transformer", "Pooling"} <= set(kinds):
        raise OnnxExportError(f"Unsupported sentence-transformers pipeline for ONNX: {sorted(kinds)}.")
    st_config = json.loads((model_dir / kinds["Transformer"] / "sentence_bert_config.json").read_text(encoding="utf-8"))
    pooling = json.loads((model_dir / kinds["Pooling"] / "config.json").read_text(encoding="utf-8"))
    model_config = json.loads((model_dir / kinds["Transformer"] / "config.json").read_text(encoding="utf-8"))
    mode = _pooling_mode(pooling)
    return {
        "transformer_path": kinds["Transformer"],
        "max_seq_length": int(st_config["max_seq_length"]),
        "do_lower_case": bool(st_config.get("do_lower_case", False)),
        "dimension": int(pooling.get("word_embedding_dimension", pooling.get("embedding_dimension"))),
        "pooling": {"mode": mode, "source": pooling},
        "pad_id": int(model_config.get("pad_token_id") or 0),
        "model_type": str(model_config.get("model_type", "")),
        "num_heads": int(model_config.get("num_attention_heads", 0)),
        "hidden_size": int(model_config.get("hidden_size", 0)),
    }


def _pooling_mode(pooling: dict[str, Any]) -> str:
    """The single pooling mode of a Pooling config (old boolean flags or the newer `pooling_mode`)."""
    if isinstance(pooling.get("pooling_mode"), str):
        modes = [pooling["pooling_mode"]]
    else:
        modes = [key[len("pooling_mode_") :] for key, on in pooling.items() if key.startswith("pooling_mode_") and on]
        modes = [mode.removesuffix("_token").removesuffix("_tokens") for mode in modes]
    if len(modes) != 1 or modes[0] not in POOLING_MODES:
        raise OnnxExportError(f"Unsupported pooling for ONNX: {modes} (supported: one of {POOLING_MODES}).")
    return modes[0]


def _load_module(transformer_dir: Path, pooling: dict[str, Any]) -> Any:
    """The torch module exported: transformer + pooling + L2 normalization, in eval mode."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    bars = not hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:  # eager attention traces into plain ONNX ops that every runtime optimizes
        model = AutoModel.from_pretrained(str(transformer_dir), attn_implementation="eager")
    finally:
        if not bars:
            hf_logging.enable_progress_bar()
    mode = pooling["mode"]

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            tokens = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            if mode == "cls":
                pooled = tokens[:, 0]
            elif mode == "max":
                pooled = tokens.masked_fill(mask == 0, -1e9).max(dim=1).values
            else:
                pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    return SentenceEmbedding().eval()


def _torch_export(module: Any, path: Path) -> None:
    """Trace `module` to ONNX with dynamic batch and sequence axes."""
    import torch

    # A padded example, so the attention mask is traced as data, not folded away as all ones.
    input_ids = torch.tensor([[1, 5, 6, 2], [1, 5, 2, 0]], dtype=torch.int64)
    attention_mask = (input_ids != 0).to(torch.int64)
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # deprecation and tracer warnings; the result is checked below
        torch.onnx.export(
            module,
            (input_ids, attention_mask),
            str(path),
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "sentence_embedding": {0: "batch"}},
            opset_version=OPSET,
            do_constant_folding=True,
        )


def _fuse(source: Path, target: Path, config: dict[str, Any]) -> bool:
    """Fuse BERT's attention, layer norms and embeddings into ONNX Runtime's CPU kernels (portable
    contrib ops, not hardware-specific): ~10-20% faster encoding and session creation. Returns
    False, leaving `target` unwritten, for other architectures or if the fusion fails."""
    if config["model_type"] != "bert" or not config["num_heads"]:
        return False
    with _quiet_logging():
        try:
            from onnxruntime.transformers.optimizer import optimize_model

            model = optimize_model(
                str(source), "bert", num_heads=config["num_heads"], hidden_size=config["hidden_size"], opt_level=0
            )
            model.save_model_to_file(str(target))
        except Exception:
            return False  # the plain graph works too, only a little slower
    return True


def _quantize(fp32: Path, int8: Path) -> None:
    """Dynamic int8 quantization of the weights of MatMul and fused Attention, per output channel
    (cosine ~0.994 to fp32; per tensor gives ~0.94). Activations are quantized at run time."""
    import onnx

    with _quiet_logging():  # also silences its advice to run an optional pre-processing step
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(
            str(fp32),
            str(int8),
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention"],
            per_channel=True,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # types of fused ops' outputs
        )


@contextmanager
def _quiet_logging() -> Iterator[None]:
    """Mute warnings from ONNX Runtime's tools and undo the root handler their modules install on
    import (`logging.basicConfig`), which would print every later library's debug messages."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)
        root.handlers[:] = handlers
        root.setLevel(level)


def _save_with_external_data(source: Path, target: Path) -> None:
    """Save the graph to `target` and its weights beside it in `target`.data, which ONNX Runtime
    maps from disk instead of parsing: that halves session creation (~0.25 -> ~0.13 s)."""
    import onnx

    data = target.with_name(target.name + DATA_SUFFIX)
    data.unlink(missing_ok=True)  # onnx appends to an existing data file
    onnx.save_model(
        onnx.load(str(source)),
        str(target),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=data.name,
        size_threshold=1024,
    )
    shutil.copymode(target, data)  # onnx creates it private (0600)


def _check(module: Any, out_dir: Path, settings: dict[str, Any]) -> float:
    """Compare the ONNX encoder with torch on a few texts; return the lowest cosine, raise if too low."""
    import torch

    encoder = OnnxEncoder(out_dir, settings=settings)
    input_ids, mask = encoder.pad(encoder.token_ids(_CHECK_TEXTS))
    onnx_vectors = encoder.run(input_ids, mask)
    with torch.inference_mode():
        torch_vectors = module(torch.from_numpy(input_ids), torch.from_numpy(mask)).numpy()
    cosine = float(np.min(np.sum(onnx_vectors * torch_vectors, axis=1)))
    floor = MIN_COSINE[bool(settings["quantized"])]
    if not cosine >= floor:
        raise OnnxExportError(f"The ONNX model disagrees with torch (cosine {cosine:.5f} < {floor}).")
    return round(cosine, 6)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _torch_version() -> str:
    import torch

    return str(torch.__version__)
