"""Build model S's data set from a seed: clean speech streams per voice (train / val / test,
split by voice), and the held-out test suite (a hil vector suite of test-voice mixtures with
clean references) used by evaluate.py. Nothing is downloaded; nothing here is committed but the
description (data-description.json) and the test set's hash.

    python3 firmware/models/model-s/train/make_data.py [--seed 1] [--out firmware/build/train]

Needs Debian's espeak-ng, flite and wamerican (see README.md in this folder).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import wave
from concurrent.futures import ProcessPoolExecutor

import numpy as np

import corpus
import mixing
import noise as noise_mod

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '../../../..'))
SECONDS = {'train': 90.0, 'val': 120.0, 'test': 60.0}
TEST_SECONDS = 4.0
TEST_SNRS = [0, 5, 10]
TEST_KINDS = ['white', 'pink', 'brown', 'babble', 'hum', 'clicks', 'keyboard', 'am', 'fan']


def _render(args):
    voice, seconds, seed = args
    return voice.id, corpus.speech_stream(voice, seconds, seed).astype(np.float32)


def write_wav(path: str, x: np.ndarray) -> None:
    with wave.open(path, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(x.astype('<i2').tobytes())


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()
        return out[0] if out else 'unknown'
    except OSError:
        return 'missing'


def build_test_suite(out: str, streams: dict, split: dict, seed: int) -> str:
    """Mixtures of every test voice with every test noise kind at 0, 5 and 10 dB, plus the clean
    excerpt: a hil suite (manifest.json, WAVs, clean references). Returns the sha256 over every
    input and reference WAV in manifest order."""
    suite = os.path.join(out, 'heldout-eval')
    os.makedirs(os.path.join(suite, 'clean'), exist_ok=True)
    test = split['test']
    n = int(TEST_SECONDS * 16000)
    cases, h = [], hashlib.sha256()
    for vi, voice in enumerate(test):
        rng = np.random.default_rng([seed, 7, vi])
        talkers = [streams[v.id] for v in test if v.id != voice.id]
        tag = voice.id.replace(':', '-').replace('+', '-').replace(' ', '-').lower()  # hil case names are lower-case
        speech = mixing.random_excerpt(rng, streams[voice.id], n)
        level = float(rng.uniform(-40, -20))
        sos = noise_mod.mic_colouring(rng)
        _, clean = mixing.mix(speech, None, np.inf, level, sos)
        ref = f'clean/{tag}.wav'
        write_wav(os.path.join(suite, ref), clean)
        entries = [('clean', None, clean)]
        for kind in TEST_KINDS:
            for snr in TEST_SNRS:
                nz = noise_mod.make(kind, rng, n, talkers)
                noisy, _ = mixing.mix(speech, nz, snr, level, sos)
                entries.append((kind, snr, noisy))
        for kind, snr, x in entries:
            name = f'{tag}-{kind}' + ('' if snr is None else f'-{snr}db')
            write_wav(os.path.join(suite, name + '.wav'), x)
            h.update(x.astype('<i2').tobytes())
            h.update(clean.astype('<i2').tobytes())
            tags = ['heldout', kind, voice.synth] + ([] if snr is None else [f'snr-{snr}db'])
            cases.append({'name': name, 'input': name + '.wav', 'golden': f'golden/{name}.wav',
                          'params': {}, 'tolerance': {'mode': 'bit-exact'}, 'tags': tags,
                          'reference': ref,
                          'description': f'{voice.id} {kind}' + ('' if snr is None else f' at {snr} dB SNR')
                          + f', speech level {level:.1f} dBFS, {TEST_SECONDS:g} s'})
    manifest = {'suite': 'heldout-eval',
                'description': 'Held-out test voices of model S in every test noise kind (made by make_data.py)',
                'generatedBy': f'python3 firmware/models/model-s/train/make_data.py --seed {seed}',
                'cases': cases}
    with open(os.path.join(suite, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
    return h.hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--out', default=os.path.join(ROOT, 'firmware/build/train'))
    ap.add_argument('--jobs', type=int, default=2)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    split = corpus.voice_split(a.seed)
    jobs = [(v, SECONDS[s], a.seed) for s in ('train', 'val', 'test') for v in split[s]]
    streams: dict[str, np.ndarray] = {}
    with ProcessPoolExecutor(a.jobs) as ex:
        for i, (vid, x) in enumerate(ex.map(_render, jobs)):
            streams[vid] = x
            print(f'\rrendered {i + 1}/{len(jobs)} voices', end='', file=sys.stderr)
    print(file=sys.stderr)
    np.savez(os.path.join(a.out, 'speech.npz'), **{k.replace('/', '_'): v for k, v in streams.items()})
    test_hash = build_test_suite(a.out, streams, split, a.seed)
    desc = {
        'seed': a.seed,
        'command': f'python3 firmware/models/model-s/train/make_data.py --seed {a.seed}',
        'synthesisers': {'espeak-ng': tool_version(['espeak-ng', '--version']),
                         'flite': tool_version(['flite', '--version'])},
        'words': 'Debian wamerican /usr/share/dict/words, lower-case 2-10 letters, 40 % function words',
        'split': {s: [v.id for v in split[s]] for s in split},
        'seconds': {s: round(sum(len(streams[v.id]) for v in split[s]) / 16000, 1) for s in split},
        'noise_kinds': noise_mod.KINDS,
        'snr_db': list(mixing.SNR_RANGE), 'level_dbfs': list(mixing.LEVEL_RANGE),
        'clean_share': mixing.CLEAN_SHARE,
        'test_suite': {'cases': len(TEST_KINDS) * len(TEST_SNRS) * len(split['test']) + len(split['test']),
                       'seconds_each': TEST_SECONDS, 'snr_db': TEST_SNRS, 'kinds': TEST_KINDS,
                       'sha256': test_hash},
    }
    with open(os.path.join(a.out, 'data-description.json'), 'w') as f:
        json.dump(desc, f, indent=2)
    print(json.dumps({k: desc[k] for k in ('seconds', 'test_suite')}, indent=2))
    return 0


if __name__ == '__main__':
    sys.exit(main())
