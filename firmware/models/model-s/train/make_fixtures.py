"""Reference fixture of the float chain, made once by PyTorch (float32) from the committed
checkpoint, so that CI checks the TypeScript float64 reference (harness/src/dsp/model-s/float-ref.ts)
against PyTorch without PyTorch (harness/src/dsp/model-s/pytorch-fixture.test.ts, within 1e-4).

    python3 firmware/models/model-s/train/make_fixtures.py

Writes harness/src/dsp/model-s/pytorch-fixture.json: the input excerpt (a committed WAV and a
sample range), and PyTorch's band gains (after the 20 dB floor) and output (after the -1 dBFS
limiter, not rounded) as float32 little-endian base64, for the default parameters.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
import wave

import numpy as np
import torch

import checkpoint
import dsp
from model import ModelS

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '../../../..'))
CKPT = os.path.join(ROOT, 'firmware/models/model-s/model-s.safetensors')
OUT = os.path.join(ROOT, 'harness/src/dsp/model-s/pytorch-fixture.json')
SOURCE = 'vectors/speech/en-us-m-babble-5db.wav'
START, LENGTH = 16000, 32000  # 2 s from 1 s in


def read_wav(path: str) -> np.ndarray:
    with wave.open(path, 'rb') as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getframerate() == 16000, path
        return np.frombuffer(w.readframes(w.getnframes()), dtype='<i2')


def run(x: np.ndarray, tensors: dict) -> tuple[np.ndarray, np.ndarray]:
    """Model S, float32, default parameters (0 dB gains, 20 dB floor, -1 dBFS limiter)."""
    model = ModelS()
    model.load_tensors(tensors)
    stft = dsp.Stft(torch.float32)
    with torch.no_grad():
        xt = dsp.pad_to_hops(torch.from_numpy(x.astype(np.float32)))[None]
        spec = stft.analyse(xt)
        g = torch.clamp(model(stft.features(stft.band_energy(spec))), min=10 ** (-20 / 20))
        y = stft.synthesise(spec, g)
        lim = 32768 * 10 ** (-1 / 20)
        y = torch.clamp(torch.clamp(y, -32768, 32767), -lim, min(lim, 32767))
    return g[0].numpy().astype('<f4'), y[0].numpy().astype('<f4')


def main() -> int:
    tensors, meta = checkpoint.load(CKPT)
    with open(CKPT, 'rb') as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    x = read_wav(os.path.join(ROOT, SOURCE))[START:START + LENGTH]
    gains, y = run(x, tensors)
    fixture = {
        'generatedBy': 'python3 firmware/models/model-s/train/make_fixtures.py',
        'torch': torch.__version__,
        'checkpointSha256': sha,
        'input': {'file': SOURCE, 'start': START, 'length': LENGTH},
        'params': {'input_gain_db': 0, 'output_gain_db': 0, 'max_atten_db': 20, 'limiter_dbfs': -1, 'bypass': 0},
        'frames': int(gains.shape[0]),
        'gainsF32le': base64.b64encode(gains.tobytes()).decode(),
        'outputF32le': base64.b64encode(y.tobytes()).decode(),
    }
    with open(OUT, 'w') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')
    print(f'wrote {os.path.relpath(OUT, ROOT)}: {gains.shape[0]} frames, checkpoint {sha[:12]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
