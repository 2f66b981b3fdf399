"""Speaker labels, offline: one voice vector per transcript segment, clustered into "Speaker 1", "Speaker 2", ….

The voice encoder is Resemblyzer's (a GE2E speaker-verification LSTM, Apache-2.0), whose weights ship inside the
`resemblyzer` wheel. They are read from the wheel without importing the package: its VAD dependency (webrtcvad)
no longer imports on current setuptools, and its own audio loading is not needed here. The mel spectrogram is
librosa's, with the encoder's training settings.

    if available(): segments = label_speakers(samples, segments)   # same segments, .speaker filled in

Labels are anonymous and only as good as the voices are distinct: the check in benchmarks/minutes_speech.py
measures it on real recordings.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import SpeechError
from .stt import SAMPLE_RATE, Segment

PARTIAL_FRAMES = 160  # 1.6 s windows of 10 ms mel frames, as the encoder was trained
MIN_SPEECH_S = 1.0  # shorter segments carry too little voice to cluster; they take the nearest speaker's label
DISTANCE = 0.30  # cosine distance under which two voices are one speaker (average linkage); see minutes_speech.py
_lock = threading.Lock()


def available() -> bool:
    """Whether the encoder's weights and runtime (resemblyzer, librosa, torch) are installed."""
    return all(importlib.util.find_spec(name) is not None for name in ("resemblyzer", "librosa", "torch"))


@lru_cache(maxsize=1)
def _encoder():
    import torch
    from torch import nn

    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise SpeechError(
            "Speaker labels need the resemblyzer package (its voice encoder's weights).",
            "pip install 'llmworks[diarize]'",
        )
    weights = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(40, 256, 3, batch_first=True)
            self.linear = nn.Linear(256, 256)

        def forward(self, mels):
            _, (hidden, _) = self.lstm(mels)
            raw = torch.relu(self.linear(hidden[-1]))
            return raw / torch.norm(raw, dim=1, keepdim=True).clamp_min(1e-9)

    model = Encoder()
    state = torch.load(weights, map_location="cpu", weights_only=True)["model_state"]
    model.load_state_dict(state, strict=False)  # the checkpoint also holds training-only similarity weights
    return model.eval()


def embed(samples: np.ndarray) -> np.ndarray:
    """A unit voice vector (256) for 16 kHz speech: the mean of its 1.6 s windows' vectors."""
    import librosa
    import torch

    frames = (
        librosa.feature.melspectrogram(
            y=samples.astype(np.float32), sr=SAMPLE_RATE, n_fft=400, hop_length=160, n_mels=40
        )
        .astype(np.float32)
        .T
    )
    if len(frames) < PARTIAL_FRAMES:
        frames = np.pad(frames, ((0, PARTIAL_FRAMES - len(frames)), (0, 0)))
    starts = range(0, len(frames) - PARTIAL_FRAMES + 1, PARTIAL_FRAMES // 2)
    windows = np.stack([frames[s : s + PARTIAL_FRAMES] for s in starts])
    with _lock, torch.no_grad():
        vectors = _encoder()(torch.from_numpy(windows)).numpy()
    mean = vectors.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-9)


def label_speakers(
    samples: np.ndarray, segments: list[Segment] | tuple[Segment, ...], *, distance: float = DISTANCE
) -> list[Segment]:
    """The segments with `.speaker` set to "Speaker N", numbered in order of first appearance."""
    segments = list(segments)
    if not segments:
        return []
    clip = [samples[int(s.start * SAMPLE_RATE) : int(s.end * SAMPLE_RATE)] for s in segments]
    vectors = np.stack([embed(c) for c in clip])
    long_enough = [i for i, c in enumerate(clip) if c.size >= MIN_SPEECH_S * SAMPLE_RATE] or list(range(len(clip)))
    if len(long_enough) == 1:
        labels = np.zeros(len(segments), dtype=int)
    else:
        from sklearn.cluster import AgglomerativeClustering

        found = AgglomerativeClustering(
            n_clusters=None, distance_threshold=distance, metric="cosine", linkage="average"
        ).fit_predict(vectors[long_enough])
        centroids = np.stack([vectors[long_enough][found == k].mean(axis=0) for k in range(found.max() + 1)])
        labels = (vectors @ centroids.T).argmax(axis=1)  # short segments join the closest voice
        labels[long_enough] = found
    order: dict[int, int] = {}
    for label in labels:
        order.setdefault(int(label), len(order) + 1)
    return [replace(s, speaker=f"Speaker {order[int(k)]}") for s, k in zip(segments, labels)]
