"""Tests of the PyTorch side (needs torch; not part of npm test):

    cd firmware/models/model-s/train && python3 -m unittest test_model

- the streaming form (frame by frame, explicit state) equals the whole-utterance form (< 1e-5);
- the STFT reconstructs perfectly with unit gains (the firmware's max_atten_db = 0 path);
- the checkpoint round-trips through safetensors.
"""
from __future__ import annotations

import os
import tempfile
import unittest

import torch

import checkpoint
import dsp
from model import ModelS


class StreamingEqualsWhole(unittest.TestCase):
    def test_stream_equals_forward(self):
        torch.manual_seed(3)
        m = ModelS()
        feats = torch.rand(2, 300, 20) * 1.4 - 0.7
        with torch.no_grad():
            a = m(feats)
            b = m.stream(feats)
        self.assertLess(float((a - b).abs().max()), 1e-5)

    def test_committed_checkpoint_streams_like_whole(self):
        path = os.path.join(os.path.dirname(__file__), '..', 'model-s.safetensors')
        if not os.path.exists(path):
            self.skipTest('no committed checkpoint yet')
        m = ModelS()
        m.load_tensors(checkpoint.load(path)[0])
        feats = torch.rand(1, 500, 20, generator=torch.Generator().manual_seed(4)) * 1.4 - 0.7
        with torch.no_grad():
            self.assertLess(float((m(feats) - m.stream(feats)).abs().max()), 1e-5)


class Stft(unittest.TestCase):
    def test_perfect_reconstruction(self):
        s = dsp.Stft(torch.float64)
        x = torch.randn(1, 16000, dtype=torch.float64, generator=torch.Generator().manual_seed(5)) * 3000
        spec = s.analyse(x)
        y = s.synthesise(spec, torch.ones(1, spec.shape[1], dsp.NB, dtype=torch.float64))
        self.assertLess(float((y[:, dsp.LATENCY:] - x[:, :-dsp.LATENCY]).abs().max()), 1e-6)


class Checkpoint(unittest.TestCase):
    def test_round_trip(self):
        m = ModelS()
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, 'c.safetensors')
            checkpoint.save(p, m.export_tensors(), {'by': 'test'})
            t, meta = checkpoint.load(p)
        self.assertEqual(meta, {'by': 'test'})
        for k, v in m.export_tensors().items():
            self.assertTrue(torch.equal(t[k], v), k)


if __name__ == '__main__':
    unittest.main()
