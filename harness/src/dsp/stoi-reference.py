#!/usr/bin/env python3
"""Generator of stoi-fixture.json: an independent numpy/scipy STOI for the cross-check in stoi.test.ts.

STOI (classic) as published by Taal, Hendriks, Heusdens, Jensen, "An Algorithm for Intelligibility
Prediction of Time-Frequency Weighted Noisy Speech", IEEE TASLP 19(7), 2011, with the reference
MATLAB / pystoi steps, vectorised in numpy; resampling by scipy.signal.resample_poly (defaults).

The test signals are defined by a formula (an integer LCG and float64 sines, rounded by
floor(v + 0.5)) that stoi.test.ts regenerates identically, so the fixture holds only numbers: per
case the parameters, integer checksums of both signals (the test checks it rebuilt the same
samples) and the expected STOI. Run from the repository root:

    python3 harness/src/dsp/stoi-reference.py > harness/src/dsp/stoi-fixture.json

Needs numpy and scipy (not needed by the test).
"""

import json
import sys

import numpy as np
import scipy
from scipy.signal import resample_poly

FS, FRAME, HOP, NFFT, BANDS, MIN_FREQ, N, BETA, DYN_RANGE = 10000, 256, 128, 512, 15, 150, 30, -15.0, 40.0
EPS = np.finfo(np.float64).eps


def lcg(seed, n):
    """n uniforms in [0, 1) from s <- (1664525 s + 1013904223) mod 2^32 (first output after one step)."""
    out, s = np.empty(n), seed & 0xFFFFFFFF
    for i in range(n):
        s = (1664525 * s + 1013904223) & 0xFFFFFFFF
        out[i] = s / 4294967296.0
    return out


def speech_like(n, rate, seed):
    """Harmonic syllables at 4 Hz (sin^2 envelope, every 5th a pause), f0 110/125/140 Hz, plus noise."""
    t = np.arange(n) / rate
    syll = np.floor(t * 4)
    p = t * 4 - syll
    env = np.where(syll % 5 == 4, 0.0, np.sin(np.pi * p) ** 2)
    f0 = 110 + 15 * (syll % 3)
    v = np.zeros(n)
    for k in range(1, 21):
        v = v + np.sin(2 * np.pi * k * f0 * t) / k
    u = lcg(seed, n)
    return np.floor(6000 * env * (v / 3 + 0.3 * (2 * u - 1)) + 0.5)


def uniform_noise(n, amp, seed):
    """Integers uniform in [-amp, amp]."""
    return np.floor(lcg(seed, n) * (2 * amp + 1)) - amp


def clip16(v):
    return np.clip(v, -32768, 32767)


def make_case(kind, rate, seconds, seed):
    """The (clean, processed) pair of one fixture case; stoi.test.ts mirrors this function."""
    n = rate * seconds
    x = speech_like(n, rate, seed)
    if kind == 'noise':  # additive white noise
        y = clip16(x + uniform_noise(n, 2000, seed + 1))
    elif kind == 'clip':  # gain 1.5, hard clip at +-4000, mild noise
        y = clip16(np.clip(np.floor(x * 3 / 2), -4000, 4000) + uniform_noise(n, 300, seed + 1))
    elif kind == 'indep':  # noise only, independent of the clean: STOI's floor from the clipping
        y = uniform_noise(n, 2000, seed + 1)
    elif kind == 'delay':  # 5 ms delay plus noise
        d = rate // 200
        y = clip16(np.concatenate([np.zeros(d), x[:-d]]) + uniform_noise(n, 800, seed + 1))
    else:
        raise ValueError(kind)
    return x, y


def hann(n):
    return np.hanning(n + 2)[1:-1]


def frames(x):
    return np.array([x[i:i + FRAME] for i in range(0, len(x) - FRAME, HOP)]) * hann(FRAME)


def remove_silent(x, y):
    xf, yf = frames(x), frames(y)
    e = 20 * np.log10(np.linalg.norm(xf, axis=1) + EPS)
    keep = e > e.max() - DYN_RANGE
    xf, yf = xf[keep], yf[keep]
    xs, ys = np.zeros((len(xf) - 1) * HOP + FRAME), np.zeros((len(xf) - 1) * HOP + FRAME)
    for k in range(len(xf)):
        xs[k * HOP:k * HOP + FRAME] += xf[k]
        ys[k * HOP:k * HOP + FRAME] += yf[k]
    return xs, ys


def band_matrix():
    f = np.arange(NFFT // 2 + 1) * FS / NFFT
    m = np.zeros((BANDS, len(f)))
    for k in range(BANDS):
        lo = np.argmin((f - MIN_FREQ * 2 ** ((2 * k - 1) / 6)) ** 2)
        hi = np.argmin((f - MIN_FREQ * 2 ** ((2 * k + 1) / 6)) ** 2)
        m[k, lo:hi] = 1
    return m


def stoi(x, y, rate):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if rate != FS:
        g = np.gcd(FS, rate)
        x, y = resample_poly(x, FS // g, rate // g), resample_poly(y, FS // g, rate // g)
    x, y = remove_silent(x, y)
    obm = band_matrix()
    xe = np.sqrt(obm @ (np.abs(np.fft.rfft(frames(x), NFFT)) ** 2).T)  # bands x frames
    ye = np.sqrt(obm @ (np.abs(np.fft.rfft(frames(y), NFFT)) ** 2).T)
    m = xe.shape[1]
    assert m >= N, 'too few frames'
    xs = np.stack([xe[:, i - N:i] for i in range(N, m + 1)])  # segments x bands x N
    ys = np.stack([ye[:, i - N:i] for i in range(N, m + 1)])
    ys = ys * np.linalg.norm(xs, axis=2, keepdims=True) / (np.linalg.norm(ys, axis=2, keepdims=True) + EPS)
    ys = np.minimum(ys, xs * (1 + 10 ** (-BETA / 20)))
    xs = xs - xs.mean(axis=2, keepdims=True)
    ys = ys - ys.mean(axis=2, keepdims=True)
    xs = xs / (np.linalg.norm(xs, axis=2, keepdims=True) + EPS)
    ys = ys / (np.linalg.norm(ys, axis=2, keepdims=True) + EPS)
    return float(np.sum(xs * ys) / (xs.shape[0] * xs.shape[1])), int(m)


def checksum(v):
    """Integer checksums [sum v, sum v^2, sum (i mod 251) v], exact in float64 for these lengths."""
    v = v.astype(np.int64)
    return [int(v.sum()), int((v * v).sum()), int(((np.arange(len(v)) % 251) * v).sum())]


CASES = [('noise', 16000, 3, 11), ('clip', 16000, 3, 22), ('delay', 8000, 3, 33), ('noise', 10000, 2, 44),
         ('indep', 16000, 3, 55)]
RESAMPLE_AT = [0, 1, 2, 3, 100, 1001, 2345, 8765, 17000, 29999]


def main():
    cases = []
    for kind, rate, seconds, seed in CASES:
        x, y = make_case(kind, rate, seconds, seed)
        value, m = stoi(x, y, rate)
        cases.append({'kind': kind, 'rate': rate, 'seconds': seconds, 'seed': seed, 'frames': m,
                      'cleanChecksum': checksum(x), 'processedChecksum': checksum(y), 'stoi': value})
    x, _ = make_case(*CASES[0][:3], CASES[0][3])
    r = resample_poly(x, 5, 8)
    fixture = {
        'generator': 'harness/src/dsp/stoi-reference.py',
        'numpy': np.__version__, 'scipy': scipy.__version__,
        'cases': cases,
        'resample': {'case': 0, 'up': 5, 'down': 8, 'length': len(r), 'at': RESAMPLE_AT,
                     'values': [float(r[i]) for i in RESAMPLE_AT]},
    }
    json.dump(fixture, sys.stdout, indent=2)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
