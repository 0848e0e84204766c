"""The ceiling of model S's topology: SI-SDR improvement with *ideal* gains (the training targets
themselves, sqrt(E_clean / E_noisy) per band, clipped to [0, 1], floored at -20 dB like the
firmware's default max_atten_db) for several band layouts, on the validation voices (never the
test voices). A network can only approach these figures; when the ideal gains of a layout miss a
quality goal, no training of that layout meets it.

    python3 oracle.py [--data firmware/build/train] [--seed 1] [--excerpts 2]   (about a minute)

Layouts: the firmware's 20 bands, 25 and 41 triangular bands with power-of-two gaps (so the
firmware's exact interpolation would still work), and one gain per FFT bin (257, the ideal ratio
mask of this STFT). Prints a table: noise kind x input SNR x layout.
"""
from __future__ import annotations

import argparse
import os

import numpy as np
import torch

import corpus
import dsp
import mixing
import noise as noise_mod
from train import ROOT, load_streams, si_sdr


def corners(steps: list[tuple[int, int]]) -> list[int]:
    """Band centres from (end bin, step) runs starting at bin 0."""
    out, k = [0], 0
    for end, step in steps:
        while k < end:
            k += step
            out.append(k)
    return out


LAYOUTS = {
    '20 (firmware)': dsp.BAND_CORNERS,
    '25': corners([(16, 2), (32, 4), (64, 8), (128, 16), (256, 32)]),
    '41': corners([(32, 2), (64, 4), (128, 8), (256, 16)]),
}


def weights(c: list[int]) -> torch.Tensor:
    w = torch.zeros(len(c), dsp.NBINS, dtype=torch.float64)
    for b in range(len(c) - 1):
        for k in range(c[b], c[b + 1]):
            f = (k - c[b]) / (c[b + 1] - c[b])
            w[b, k], w[b + 1, k] = 1 - f, f
    w[len(c) - 1, dsp.NFFT // 2] = 1
    return w


def improvement(noisy: np.ndarray, clean: np.ndarray, w: torch.Tensor | None, floor: float) -> float:
    st = dsp.Stft(torch.float64)
    xn = torch.from_numpy(noisy.astype(np.float64))
    xc = torch.from_numpy(clean.astype(np.float64))
    sn, sc = st.analyse(xn), st.analyse(xc)
    pn, pc = sn.abs() ** 2, sc.abs() ** 2
    if w is None:  # per bin
        g = torch.sqrt(pc / pn.clamp(min=1e-9)).clamp(0, 1).clamp(min=floor)
    else:
        gb = torch.sqrt((pc @ w.T) / (pn @ w.T).clamp(min=1e-9)).clamp(0, 1).clamp(min=floor)
        g = gb @ w
    y = torch.fft.irfft(sn * g, n=dsp.NFFT)[..., : dsp.WIN] * st.window
    head, tail = y[..., : dsp.HOP], y[..., dsp.HOP:]
    prev = torch.nn.functional.pad(tail[..., :-1, :], (0, 0, 1, 0))
    out = (head + prev).reshape(-1)
    lat = dsp.LATENCY
    return float(si_sdr(xc[None, :-lat], out[None, lat:]) - si_sdr(xc[None, :-lat], xn[None, :-lat]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default=os.path.join(ROOT, 'firmware/build/train'))
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--excerpts', type=int, default=2, help='mixtures per voice, kind and SNR')
    a = ap.parse_args()
    val = load_streams(a.data, {'val': corpus.voice_split(a.seed)['val']})['val']
    rng = np.random.default_rng([a.seed, 77])
    floor = 10 ** (-20 / 20)
    layouts = {name: weights(c) for name, c in LAYOUTS.items()} | {'257 (per bin)': None}
    print(f'{"kind":8} {"SNR":>4} ' + ' '.join(f'{n:>14}' for n in layouts))
    for kind in ('white', 'pink', 'babble'):
        for snr in (0, 5, 10):
            res = {n: [] for n in layouts}
            for i, stream in enumerate(val):
                talkers = [s for j, s in enumerate(val) if j != i]
                for _ in range(a.excerpts):
                    speech = mixing.random_excerpt(rng, stream, 4 * dsp.SAMPLE_RATE)
                    nz = noise_mod.make(kind, rng, len(speech), talkers)
                    noisy, clean = mixing.mix(speech, nz, snr, -26.0, None)
                    for n, w in layouts.items():
                        res[n].append(improvement(noisy, clean, w, floor))
            print(f'{kind:8} {snr:>4} ' + ' '.join(f'{np.mean(v):>+13.2f}' + ' ' for v in res.values()), flush=True)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
