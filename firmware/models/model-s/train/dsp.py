"""Model S signal path in PyTorch, float: the same analysis, features, gain interpolation and
overlap-add synthesis as the float64 reference (harness/src/dsp/model-s/float-ref.ts) and, up to
rounding, the int16 firmware (firmware/models/model-s/ms_model.c).

All signals are in int16 units (full scale 32768). One frame = HOP = 160 samples; frame f
analyses x[(f - 1) * 160 : (f + 1) * 160] (zeros before the start) with a 320-sample sine window
zero padded to 512, and its output answers x[n - 160] (latency 160 samples).
"""
from __future__ import annotations

import math

import torch

SAMPLE_RATE = 16000
HOP = 160
WIN = 320
NFFT = 512
NBINS = NFFT // 2 + 1
NB = 20
LATENCY = 160
# Band centres in FFT bins (31.25 Hz): must match ms_model.c and config.ts.
BAND_CORNERS = [0, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 256]
FEATURE_MAX = 32767 / 32768


def sine_window(dtype=torch.float64) -> torch.Tensor:
    n = torch.arange(WIN, dtype=torch.float64)
    return torch.sin(math.pi * (n + 0.5) / WIN).to(dtype)


def band_weights(dtype=torch.float64) -> torch.Tensor:
    """Triangular band weights [NB][NBINS]: weight of bin k in band b (columns sum to 1)."""
    w = torch.zeros(NB, NBINS, dtype=torch.float64)
    for b in range(NB - 1):
        c0, c1 = BAND_CORNERS[b], BAND_CORNERS[b + 1]
        for k in range(c0, c1):
            f = (k - c0) / (c1 - c0)
            w[b, k] = 1 - f
            w[b + 1, k] = f
    w[NB - 1, NFFT // 2] = 1
    return w.to(dtype)


class Stft:
    """Analysis / synthesis of model S for one dtype (float32 for training, float64 for checks)."""

    def __init__(self, dtype=torch.float32):
        self.dtype = dtype
        self.window = sine_window(dtype)
        self.bands = band_weights(dtype)

    def analyse(self, x: torch.Tensor) -> torch.Tensor:
        """x [..., N] (N a multiple of HOP) -> spectrum [..., N / HOP, NBINS] (complex)."""
        pad = torch.nn.functional.pad(x.to(self.dtype), (HOP, 0))
        frames = pad.unfold(-1, WIN, HOP)[..., : x.shape[-1] // HOP, :]
        return torch.fft.rfft(frames * self.window, n=NFFT)

    def band_energy(self, spec: torch.Tensor) -> torch.Tensor:
        """|X|^2 summed with the triangular band weights: [..., T, NB]."""
        p = spec.real ** 2 + spec.imag ** 2
        return p @ self.bands.T

    @staticmethod
    def features(energy: torch.Tensor) -> torch.Tensor:
        """(log2(E + 1) - 24) / 32, capped below 1 like the Q15 feature of the firmware."""
        return torch.clamp((torch.log2(energy + 1) - 24) / 32, max=FEATURE_MAX)

    def synthesise(self, spec: torch.Tensor, gains: torch.Tensor) -> torch.Tensor:
        """Apply band gains [..., T, NB] (interpolated per bin) and overlap-add: [..., T * HOP]."""
        g = gains.to(self.dtype) @ self.bands
        y = torch.fft.irfft(spec * g, n=NFFT)[..., :WIN] * self.window
        head, tail = y[..., :HOP], y[..., HOP:]
        prev = torch.nn.functional.pad(tail[..., :-1, :], (0, 0, 1, 0))
        out = head + prev
        return out.reshape(*out.shape[:-2], -1)


def pad_to_hops(x: torch.Tensor) -> torch.Tensor:
    n = x.shape[-1]
    return torch.nn.functional.pad(x, (0, (-n) % HOP))
