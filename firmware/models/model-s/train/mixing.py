"""Mixtures of clean speech and noise for model S: random SNR, level and microphone colouring.

SNR and level are measured over the whole excerpt (speech pauses included), as in the committed
`speech` suite: level = RMS of the coloured clean speech in dBFS (0 dBFS = 32768), SNR = clean
speech energy / noise energy. Both signals go through the same microphone colouring; the target
is the coloured clean speech (the model is not asked to undo the microphone).
"""
from __future__ import annotations

import numpy as np
from scipy.signal import sosfilt

import noise as noise_mod

SNR_RANGE = (-5.0, 20.0)
LEVEL_RANGE = (-45.0, -15.0)
CLEAN_SHARE = 0.06  # share of training excerpts with no noise at all (clean speech kept intact)


def mix(speech: np.ndarray, unit_noise: np.ndarray | None, snr_db: float, level_dbfs: float,
        sos: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """-> (noisy, clean) as int16 arrays of len(speech). unit_noise None: clean input."""
    s = sosfilt(sos, speech) if sos is not None else speech.astype(np.float64)
    ps = np.mean(s ** 2)
    if ps <= 0:
        s = s + 1e-3
        ps = np.mean(s ** 2)
    s = s * (32768 * 10 ** (level_dbfs / 20) / np.sqrt(ps))
    if unit_noise is None:
        y = s
    else:
        nz = sosfilt(sos, unit_noise) if sos is not None else unit_noise
        nz = nz / np.sqrt(np.mean(nz ** 2) + 1e-30)
        y = s + nz * np.sqrt(np.mean(s ** 2) / 10 ** (snr_db / 10))
    peak = np.max(np.abs(y))
    if peak > 32000:  # keep the mixture inside int16 without clipping
        s, y = s * (32000 / peak), y * (32000 / peak)
    return np.round(y).astype(np.int16), np.round(s).astype(np.int16)


def random_excerpt(rng: np.random.Generator, stream: np.ndarray, n: int) -> np.ndarray:
    if len(stream) <= n:
        return np.resize(stream, n)
    start = int(rng.integers(0, len(stream) - n))
    return stream[start:start + n]


def random_mixture(rng: np.random.Generator, stream: np.ndarray, n: int, talkers: list[np.ndarray],
                   kinds: list[str] | None = None):
    """One training mixture: -> (noisy, clean, description dict)."""
    speech = random_excerpt(rng, stream, n)
    level = float(rng.uniform(*LEVEL_RANGE))
    sos = noise_mod.mic_colouring(rng)
    if rng.random() < CLEAN_SHARE:
        noisy, clean = mix(speech, None, np.inf, level, sos)
        return noisy, clean, {'kind': 'clean', 'level': level}
    kind = str(rng.choice(kinds or noise_mod.KINDS))
    snr = float(rng.uniform(*SNR_RANGE))
    nz = noise_mod.make(kind, rng, n, talkers)
    noisy, clean = mix(speech, nz, snr, level, sos)
    return noisy, clean, {'kind': kind, 'snr': snr, 'level': level}
