"""The OCR engine: RapidOCR's PP-OCRv4 Chinese detector and recogniser on ONNX Runtime.

The models come inside the ``rapidocr_onnxruntime`` wheel (``rapidocr_onnxruntime/models/*.onnx``);
nothing is downloaded or cached at run time. (``rapidocr`` 2.x/3.x fetch their models on first
use, which is why that package is not used.) :func:`get_engine` loads the engine once per process.

Two departures from RapidOCR's own pipeline, both for speed at the same accuracy:

- detection runs on the page scaled so its longer side is ``det_side`` pixels (RapidOCR runs a
  200-dpi A4 page at full size, ~1.5 s; at 960 px it takes ~0.2 s and finds the same lines on
  the benchmark pages); boxes come back in full-resolution pixels;
- recognition runs crop by crop at the crop's own width (RapidOCR pads every crop to at least
  320 px and batches of six to the widest, so a table cell like "10" costs as much as a long
  line); ONNX Runtime's memory arena is on.

The direction classifier is not used: pages are straightened before recognition.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import OcrUnavailable

__all__ = ["Engine", "get_engine", "model_files"]

_PACKAGE = "rapidocr_onnxruntime"
_MODELS = ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx")
_ENGINE: Engine | None = None


def model_files() -> list[Path]:
    """The model files the engine loads (inside the installed wheel)."""
    import importlib.util

    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise OcrUnavailable(f"the OCR engine ({_PACKAGE}) is not installed")
    root = Path(spec.origin).parent / "models"
    files = [root / name for name in _MODELS]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise OcrUnavailable(f"the OCR models are missing from {root}: {', '.join(missing)}")
    return files


class Engine:
    """Text detection and recognition; one instance per process (see :func:`get_engine`)."""

    def __init__(self, threads: int = 1, det_side: int = 960, batch: int = 1):
        files = model_files()
        try:
            import onnxruntime as ort
            from rapidocr_onnxruntime.ch_ppocr_det import TextDetector
            from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess
            from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
            from rapidocr_onnxruntime.utils import read_yaml
        except Exception as e:  # onnxruntime / opencv missing or broken
            raise OcrUnavailable(f"the OCR engine cannot be loaded ({type(e).__name__}: {e})") from e
        config = read_yaml(files[0].parent.parent / "config.yaml")
        for part, model in (("Det", files[0]), ("Rec", files[1])):
            config[part].update(model_path=str(model), intra_op_num_threads=threads, inter_op_num_threads=1)
        self._det = TextDetector(config["Det"])
        self._rec = TextRecognizer(config["Rec"])
        # RapidOCR turns ONNX Runtime's memory arena off; with crops of every width, reusing
        # buffers is ~9% faster
        opts = ort.SessionOptions()
        opts.intra_op_num_threads, opts.inter_op_num_threads = threads, 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 4
        self._det.infer.session = ort.InferenceSession(str(files[0]), sess_options=opts, providers=["CPUExecutionProvider"])
        self._rec.session.session = ort.InferenceSession(str(files[1]), sess_options=opts, providers=["CPUExecutionProvider"])
        self._pre = DetPreProcess(det_side, "max", self._det.mean, self._det.std)
        self.batch = batch

    def detect(self, gray: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Text boxes (x0, y0, x1, y1) in pixels of ``gray``, each the upright box of a detected line."""
        import cv2

        h, w = gray.shape
        scale = self._pre.limit_side_len / max(h, w)
        small = gray
        if scale < 1:  # area averaging keeps a thin stroke ("一") that a plain resize drops
            small = cv2.resize(gray, (max(32, round(w * scale)), max(32, round(h * scale))), interpolation=cv2.INTER_AREA)
        pre = self._pre(np.repeat(small[:, :, None], 3, axis=2))
        if pre is None:
            return []
        pred = self._det.infer(pre)[0]
        quads, _scores = self._det.postprocess_op(pred, (h, w))
        if len(quads) == 0:
            return []
        quads = self._det.filter_tag_det_res(quads, (h, w))
        out = []
        for q in quads:
            x0, y0 = float(q[:, 0].min()), float(q[:, 1].min())
            x1, y1 = float(q[:, 0].max()), float(q[:, 1].max())
            if x1 - x0 >= 4 and y1 - y0 >= 4:
                out.append((x0, y0, x1, y1))
        return out

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """(text, confidence) per grey crop; confidence is the mean of the characters' probabilities."""
        rec = self._rec
        ratios = [c.shape[1] / max(1, c.shape[0]) for c in crops]
        order = np.argsort(np.array(ratios))
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for start in range(0, len(crops), self.batch):
            ids = [int(i) for i in order[start:start + self.batch]]
            widest = max(ratios[i] for i in ids)
            batch = np.stack([rec.resize_norm_img(np.repeat(crops[i][:, :, None], 3, axis=2), widest) for i in ids])
            preds = rec.session(batch.astype(np.float32))[0]
            for i, (text, score) in zip(ids, rec.postprocess_op(preds, False)):
                out[i] = (text, float(score))
        return out


def get_engine(threads: int = 1, det_side: int = 960) -> Engine:
    """The process's engine, loaded on first use."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine(threads=threads, det_side=det_side)
    return _ENGINE
