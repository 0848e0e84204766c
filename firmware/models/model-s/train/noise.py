"""Noise for model S's training and test data, synthesised from a seed (numpy Generator).
Every generator returns `n` samples with unit RMS (float64).

Kinds: stationary (white, pink, brown), babble (other talkers of the same split), and
non-stationary synthetic noise (mains hum with harmonics, clicks, keyboard-like transients,
amplitude-modulated noise, fan-like filtered noise with blade-pass tones).

Real noise recordings: none of the Debian main packages checked on these machines ships
recorded background noise (sound themes carry short UI sounds only), so none is used.
"""
from __future__ import annotations

import numpy as np
from scipy.signal import butter, sosfilt

SR = 16000
KINDS = ['white', 'pink', 'brown', 'babble', 'hum', 'clicks', 'keyboard', 'am', 'fan']
STATIONARY = ['white', 'pink', 'brown']
NONSTATIONARY = ['hum', 'clicks', 'keyboard', 'am', 'fan']


def _unit(x: np.ndarray) -> np.ndarray:
    r = np.sqrt(np.mean(x ** 2))
    return x / r if r > 0 else x


def _coloured(rng: np.random.Generator, n: int, exponent: float) -> np.ndarray:
    """Gaussian noise with power spectrum ~ 1 / f^exponent (flat below 20 Hz)."""
    spec = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    f = np.fft.rfftfreq(n, 1 / SR)
    spec *= np.maximum(f, 20.0) ** (-exponent / 2)
    spec[0] = 0
    return _unit(np.fft.irfft(spec, n))


def white(rng, n, **_):
    return _unit(rng.standard_normal(n))


def pink(rng, n, **_):
    return _coloured(rng, n, 1.0)


def brown(rng, n, **_):
    return _coloured(rng, n, 2.0)


def babble(rng, n, talkers: list[np.ndarray] | None = None, **_):
    """3-8 other talkers summed, each at a random offset and +-3 dB."""
    assert talkers, 'babble needs talker streams'
    k = int(rng.integers(3, 9))
    out = np.zeros(n)
    for _ in range(k):
        t = talkers[int(rng.integers(len(talkers)))]
        start = int(rng.integers(0, max(1, len(t) - n)))
        seg = t[start:start + n]
        if len(seg) < n:
            seg = np.resize(seg, n)
        out += seg * 10 ** (rng.uniform(-3, 3) / 20)
    return _unit(out + 1e-3 * rng.standard_normal(n))


def hum(rng, n, **_):
    f0 = rng.choice([50.0, 60.0]) * rng.uniform(0.995, 1.005)
    t = np.arange(n) / SR
    out = np.zeros(n)
    for h in range(1, 16):
        if h * f0 > 7500:
            break
        a = rng.uniform(0.2, 1.0) / h ** rng.uniform(0.3, 1.5)
        out += a * np.sin(2 * np.pi * h * f0 * t + rng.uniform(0, 2 * np.pi))
    return _unit(out + 0.02 * white(rng, n))


def _events(rng, n, rate_lo, rate_hi):
    rate = rng.uniform(rate_lo, rate_hi)
    count = rng.poisson(rate * n / SR)
    return np.sort(rng.integers(0, n, count))


def clicks(rng, n, **_):
    out = np.zeros(n)
    for i in _events(rng, n, 2, 20):
        m = int(rng.integers(8, 48))
        burst = rng.standard_normal(m) * np.exp(-np.arange(m) / (m / 4)) * rng.uniform(0.2, 1)
        out[i:i + m] += burst[: n - i]
    return _unit(out + 0.01 * white(rng, n))


def keyboard(rng, n, **_):
    """Key strokes: a click and a short decaying band-passed noise burst, then the release."""
    out = np.zeros(n)
    for i in _events(rng, n, 3, 12):
        lo = rng.uniform(300, 2000)
        sos = butter(2, [lo, min(lo * rng.uniform(2, 4), 7800)], 'bandpass', fs=SR, output='sos')
        for off, amp in ((0, 1.0), (int(rng.uniform(0.04, 0.12) * SR), rng.uniform(0.3, 0.7))):
            m = int(rng.uniform(0.01, 0.04) * SR)
            b = sosfilt(sos, rng.standard_normal(m)) * np.exp(-np.arange(m) / (m / 5)) * amp
            b[:4] += rng.uniform(1, 3) * amp
            j = i + off
            if j < n:
                out[j:j + m] += b[: n - j]
    return _unit(out + 0.01 * white(rng, n))


def am(rng, n, **_):
    base = pink(rng, n) if rng.random() < 0.5 else white(rng, n)
    t = np.arange(n) / SR
    f = rng.uniform(0.3, 6.0)
    mod = 1 + rng.uniform(0.5, 1.0) * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
    return _unit(base * mod)


def fan(rng, n, **_):
    out = brown(rng, n) * rng.uniform(0.3, 1.0)
    for _ in range(int(rng.integers(1, 4))):
        fc = rng.uniform(100, 2500)
        sos = butter(2, [fc / 1.3, fc * 1.3], 'bandpass', fs=SR, output='sos')
        out += sosfilt(sos, white(rng, n)) * rng.uniform(0.5, 2.0)
    t = np.arange(n) / SR
    bp = rng.uniform(80, 400)
    wobble = 1 + 0.01 * np.sin(2 * np.pi * rng.uniform(0.1, 1) * t)
    phase = 2 * np.pi * bp * np.cumsum(wobble) / SR
    for h in range(1, 4):
        out += rng.uniform(0.05, 0.4) / h * np.sin(h * phase)
    return _unit(out)


GENERATORS = {'white': white, 'pink': pink, 'brown': brown, 'babble': babble, 'hum': hum,
              'clicks': clicks, 'keyboard': keyboard, 'am': am, 'fan': fan}


def make(kind: str, rng: np.random.Generator, n: int, talkers=None) -> np.ndarray:
    return GENERATORS[kind](rng, n, talkers=talkers)


def mic_colouring(rng: np.random.Generator) -> np.ndarray:
    """A random microphone / front-end response as second-order sections: a high-pass at
    40-250 Hz, a peak or dip of +-6 dB somewhere in 300-4000 Hz, a low-pass at 5-7.8 kHz or none."""
    secs = [butter(2, rng.uniform(40, 250), 'highpass', fs=SR, output='sos')]
    f0, gain_db, q = rng.uniform(300, 4000), rng.uniform(-6, 6), rng.uniform(0.7, 2.0)
    a = 10 ** (gain_db / 40)
    w0 = 2 * np.pi * f0 / SR
    alpha = np.sin(w0) / (2 * q)
    b = np.array([1 + alpha * a, -2 * np.cos(w0), 1 - alpha * a])
    den = np.array([1 + alpha / a, -2 * np.cos(w0), 1 - alpha / a])
    secs.append(np.concatenate([b / den[0], den / den[0]])[None, :])
    if rng.random() < 0.6:
        secs.append(butter(2, rng.uniform(5000, 7800), 'lowpass', fs=SR, output='sos'))
    return np.concatenate(secs, axis=0)
