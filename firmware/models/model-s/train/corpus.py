"""Clean speech for model S's training data, rendered here by Debian's speech synthesisers
(espeak-ng voices with their variants, and flite's voices), from a seed.

The split is by voice identity (synthesiser, voice, variant), and stricter than that: a variant
that is held out for validation or test is never used for training with any base voice, and the
held-out flite voices are never used for training. The committed `speech` suite's talkers
(espeak-ng en-us, en-gb, en-us+f3) are test voices, so its cases are on voices the model never saw.

mbrola voices (listed by espeak-ng) need the mbrola binary and voice packages from Debian's
contrib/non-free components, which these machines do not reach: not used.
"""
from __future__ import annotations

import io
import random
import re
import subprocess
import wave
from dataclasses import dataclass

import numpy as np
from scipy.signal import resample_poly

SAMPLE_RATE = 16000

ESPEAK_BASES = ['en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-gbclan', 'en-gb-x-rp',
                'en-gb-x-gbcwmd', 'en-029', 'en-us-nyc']
# espeak-ng-data/voices/!v (Debian 12, espeak-ng 1.51): every variant; '' is the plain voice.
ESPEAK_VARIANTS = [
    '', 'Alex', 'Alicia', 'Andrea', 'Andy', 'Annie', 'AnxiousAndy', 'Demonic', 'Denis', 'Diogo',
    'Gene', 'Gene2', 'Henrique', 'Hugo', 'Jacky', 'Lee', 'Marco', 'Mario', 'Michael', 'Mike',
    'Mr serious', 'Nguyen', 'RicishayMax', 'RicishayMax2', 'RicishayMax3', 'Storm', 'Tweaky',
    'UniRobot', 'adam', 'anika', 'anikaRobot', 'announcer', 'antonio', 'aunty', 'belinda',
    'benjamin', 'boris', 'caleb', 'croak', 'david', 'ed', 'edward', 'edward2', 'f1', 'f2', 'f3',
    'f4', 'f5', 'fast', 'grandma', 'grandpa', 'gustave', 'iven', 'iven2', 'iven3', 'iven4', 'john',
    'kaukovalta', 'klatt', 'klatt2', 'klatt3', 'klatt4', 'klatt5', 'klatt6', 'linda', 'm1', 'm2',
    'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'marcelo', 'max', 'michel', 'miguel', 'norbert', 'pablo',
    'paul', 'pedro', 'quincy', 'rob', 'robert', 'robosoft', 'robosoft2', 'robosoft3', 'robosoft4',
    'robosoft5', 'robosoft6', 'robosoft7', 'robosoft8', 'sandro', 'shelby', 'steph', 'steph2',
    'steph3', 'travis', 'victor', 'whisper', 'whisperf', 'zac',
]
TEST_VARIANTS = ['', 'f3', 'm5', 'klatt3', 'Annie', 'john']
VAL_VARIANTS = ['f4', 'm2', 'klatt5', 'steph2']
FLITE_TRAIN = ['kal16']
FLITE_VAL = ['rms']
FLITE_TEST = ['slt', 'awb']


@dataclass(frozen=True)
class Voice:
    synth: str  # 'espeak-ng' | 'flite'
    name: str  # espeak voice[+variant] or flite voice

    @property
    def id(self) -> str:
        return f'{self.synth}:{self.name}'


def _espeak(base: str, variant: str) -> Voice:
    return Voice('espeak-ng', base + (f'+{variant}' if variant else ''))


def voice_split(seed: int) -> dict[str, list[Voice]]:
    """train / val / test voice identities. Test: the committed suite's talkers (en-us, en-gb,
    en-us+f3) and each other test variant on two seeded base voices, plus flite slt and awb."""
    rng = random.Random(seed)
    test = [_espeak('en-us', ''), _espeak('en-gb', ''), _espeak('en-us', 'f3')]
    for v in TEST_VARIANTS[2:]:
        for base in rng.sample(ESPEAK_BASES, 2):
            test.append(_espeak(base, v))
    test += [Voice('flite', v) for v in FLITE_TEST]
    val = [_espeak(rng.choice(ESPEAK_BASES), v) for v in VAL_VARIANTS] + [Voice('flite', v) for v in FLITE_VAL]
    held = set(TEST_VARIANTS) | set(VAL_VARIANTS)
    train = []
    for v in ESPEAK_VARIANTS:
        if v in held:
            continue
        train.append(_espeak(rng.choice(ESPEAK_BASES), v))
    train += [Voice('flite', v) for v in FLITE_TRAIN]
    return {'train': train, 'val': val, 'test': test}


_WORDS: list[str] | None = None
_FUNCTION = ('the a an of to and in is it that for on with as was at by be this from or have '
             'not are but had they you were his her she he we all there can one their what so up '
             'out if about who get which go me when make like time no just him know take people '
             'into year your good some could them see other than then now look only come its over '
             'think also back after use two how our work first well way even new want because any '
             'these give day most us').split()


def words() -> list[str]:
    """Lower-case words of Debian's /usr/share/dict/words (package wamerican), 2-10 letters."""
    global _WORDS
    if _WORDS is None:
        with open('/usr/share/dict/words', encoding='utf-8') as f:
            _WORDS = sorted({w.strip() for w in f if re.fullmatch(r'[a-z]{2,10}', w.strip())})
    return _WORDS


def sentence(rng: random.Random) -> str:
    n = rng.randint(5, 14)
    vocab = words()
    ws = [rng.choice(_FUNCTION) if rng.random() < 0.4 else rng.choice(vocab) for _ in range(n)]
    s = ' '.join(ws)
    end = rng.choice(['.', '.', '.', '?', '!'])
    return s[0].upper() + s[1:] + end


def _read_wav(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype='<i2').astype(np.float64)
        if w.getnchannels() > 1:
            x = x.reshape(-1, w.getnchannels()).mean(axis=1)
    return x, rate


def render(voice: Voice, text: str, rng: random.Random) -> np.ndarray:
    """Speech at 16 kHz, float64 in int16 units, as the synthesiser made it (level not set)."""
    if voice.synth == 'espeak-ng':
        speed, pitch = rng.randint(125, 205), rng.randint(25, 75)
        cmd = ['espeak-ng', '-v', voice.name, '-s', str(speed), '-p', str(pitch), '--stdout', text]
    else:
        cmd = ['flite', '-voice', voice.name, '-t', text, '-o', '/dev/stdout']
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    x, rate = _read_wav(out)
    if rate != SAMPLE_RATE:
        g = np.gcd(rate, SAMPLE_RATE)
        x = resample_poly(x, SAMPLE_RATE // g, rate // g)
    return x


def speech_stream(voice: Voice, seconds: float, seed: int) -> np.ndarray:
    """A continuous stream of at least `seconds` of this voice: paragraphs of 2-5 random
    sentences with 0.1-0.9 s of silence between them, each paragraph normalised to the same RMS
    over its active samples (-26 dBFS), the stream's level is set again when mixing."""
    rng = random.Random(f'{seed}:{voice.id}')
    parts: list[np.ndarray] = []
    total = 0
    target = 32768 * 10 ** (-26 / 20)
    while total < seconds * SAMPLE_RATE:
        text = ' '.join(sentence(rng) for _ in range(rng.randint(2, 5)))
        x = render(voice, text, rng)
        active = np.abs(x) > 1e-3 * (np.max(np.abs(x)) + 1e-9)
        rms = np.sqrt(np.mean(x[active] ** 2)) if active.any() else 1.0
        x = x * (target / max(rms, 1e-9))
        gap = np.zeros(int(rng.uniform(0.1, 0.9) * SAMPLE_RATE))
        parts += [x, gap]
        total += len(x) + len(gap)
    return np.concatenate(parts)
