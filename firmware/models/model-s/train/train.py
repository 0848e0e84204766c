"""Train model S (PyTorch, float32, CPU) on the data set of make_data.py and write the float
checkpoint that firmware/models/model-s/tools/gen-weights.ts quantises to int16.

    python3 firmware/models/model-s/train/train.py [--steps 3000] [--seed 1]

Each step draws a batch of random mixtures (train voices only: speech.npz, noise kinds, SNR,
level and microphone colouring as in mixing.py), computes model S's features of the noisy input
and the target band gains sqrt(E_clean / E_noisy) clipped to [0, 1], and minimises RNNoise's gain
loss (Valin 2018): 10 (sqrt g - sqrt t)^4 + (sqrt g - sqrt t)^2 + 0.01 BCE(g, t), masked where
both band energies are negligible. Model selection uses the validation voices only (never the
test voices). Weights are kept representable in the firmware's formats after every step
(|w| < 4 for Q13 weights, |b| < 8 for Q12 biases).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import threading
import time
import queue

import numpy as np
import torch

import corpus
import dsp
import mixing
from model import ModelS
import checkpoint

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '../../../..'))
W_MAX, B_MAX = 3.99, 7.99  # representable: weights Q13 (frac >= 13), biases Q12 int16
ENERGY_FLOOR = 1e3  # band energy (int16 units^2) below which a band's target is ignored


def load_streams(data_dir: str, split: dict) -> dict[str, list[np.ndarray]]:
    d = np.load(os.path.join(data_dir, 'speech.npz'))
    return {s: [d[v.id.replace('/', '_')].astype(np.float64) for v in split[s]] for s in split}


def make_batch(rng: np.random.Generator, streams: list[np.ndarray], batch: int, n: int):
    """-> (noisy int16 [B, n], clean int16 [B, n], kinds)"""
    noisy, clean, kinds = [], [], []
    for _ in range(batch):
        i = int(rng.integers(len(streams)))
        others = [j for j in range(len(streams)) if j != i]
        talkers = [streams[j] for j in rng.choice(others, min(8, len(others)), replace=False)]
        x, c, desc = mixing.random_mixture(rng, streams[i], n, talkers)
        noisy.append(x)
        clean.append(c)
        kinds.append(desc['kind'])
    return np.stack(noisy), np.stack(clean), kinds


class Targets:
    def __init__(self):
        self.stft = dsp.Stft(torch.float32)

    def __call__(self, noisy: np.ndarray, clean: np.ndarray):
        xn = torch.from_numpy(noisy.astype(np.float32))
        xc = torch.from_numpy(clean.astype(np.float32))
        spec = self.stft.analyse(xn)
        en = self.stft.band_energy(spec)
        ec = self.stft.band_energy(self.stft.analyse(xc))
        feats = self.stft.features(en)
        gains = torch.clamp(torch.sqrt(ec / (en + 1e-3)), 0, 1)
        mask = ((en > ENERGY_FLOOR) | (ec > ENERGY_FLOOR)).to(torch.float32)
        return feats, gains, mask, spec


def gain_loss(g: torch.Tensor, t: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    d = torch.sqrt(g + 1e-8) - torch.sqrt(t + 1e-8)
    bce = torch.nn.functional.binary_cross_entropy(g.clamp(1e-6, 1 - 1e-6), t, reduction='none')
    per = 10 * d ** 4 + d ** 2 + 0.01 * bce
    return (per * mask).sum() / mask.sum().clamp(min=1)


def si_sdr(ref: torch.Tensor, est: torch.Tensor) -> torch.Tensor:
    """Scale-invariant SDR in dB per row."""
    ref = ref - ref.mean(-1, keepdim=True)
    est = est - est.mean(-1, keepdim=True)
    a = (est * ref).sum(-1, keepdim=True) / (ref * ref).sum(-1, keepdim=True).clamp(min=1e-9)
    s = a * ref
    return 10 * torch.log10((s * s).sum(-1).clamp(min=1e-9) / ((est - s) ** 2).sum(-1).clamp(min=1e-9))


def producer(q: queue.Queue, seed: int, streams, batch: int, n: int, stop: threading.Event):
    rng = np.random.default_rng([seed, 11])
    while not stop.is_set():
        item = make_batch(rng, streams, batch, n)
        while not stop.is_set():
            try:
                q.put(item, timeout=0.5)
                break
            except queue.Full:
                pass


def validate(model: ModelS, val, targets: Targets, floor: float) -> dict:
    """Validation loss and mean SI-SDR improvement (float model, gains floored like the firmware)."""
    model.eval()
    noisy, clean, kinds = val
    with torch.no_grad():
        feats, t, mask, spec = targets(noisy, clean)
        g = model(feats)
        loss = float(gain_loss(g, t, mask))
        y = targets.stft.synthesise(spec, torch.clamp(g, min=floor))
        lat = dsp.LATENCY
        xc = torch.from_numpy(clean.astype(np.float32))[:, :-lat]
        xn = torch.from_numpy(noisy.astype(np.float32))[:, :-lat]
        imp = si_sdr(xc, y[:, lat:]) - si_sdr(xc, xn)
    model.train()
    noisy_only = torch.tensor([k != 'clean' for k in kinds])
    return {'loss': loss, 'si_sdr_imp': float(imp[noisy_only].mean())}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=os.path.join(ROOT, 'firmware/build/train'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'firmware/models/model-s/model-s.safetensors'))
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--steps', type=int, default=3000)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--seconds', type=float, default=6.0, help='length of each training mixture')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--minutes', type=float, default=85.0, help='hard time limit (the best checkpoint so far is kept)')
    ap.add_argument('--val-every', type=int, default=100)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    split = corpus.voice_split(a.seed)
    if not os.path.exists(os.path.join(a.data, 'speech.npz')):
        print(f'error: {a.data}/speech.npz not found: run make_data.py first', file=sys.stderr)
        return 2
    streams = load_streams(a.data, split)
    n = int(a.seconds * dsp.SAMPLE_RATE) // dsp.HOP * dsp.HOP
    val = make_batch(np.random.default_rng([a.seed, 12]), streams['val'], 160, 6 * dsp.SAMPLE_RATE)
    targets = Targets()
    model = ModelS()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / 100) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(s, a.steps) / a.steps))))
    floor = 10 ** (-20 / 20)

    q: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()
    th = threading.Thread(target=producer, args=(q, a.seed, streams['train'], a.batch, n, stop), daemon=True)
    th.start()

    t0 = time.time()
    best = {'loss': math.inf}
    history = []
    run_loss = None
    step = 0
    try:
        for step in range(1, a.steps + 1):
            noisy, clean, _ = q.get()
            feats, t, mask, _ = targets(noisy, clean)
            g = model(feats)
            loss = gain_loss(g, t, mask)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            with torch.no_grad():
                for name, p in model.named_parameters():
                    lim = B_MAX if 'bias' in name else W_MAX
                    p.clamp_(-lim, lim)
            lv = float(loss.detach())
            run_loss = lv if run_loss is None else 0.98 * run_loss + 0.02 * lv
            el = time.time() - t0
            if step % 10 == 0:
                eta = el / step * (a.steps - step)
                print(f'\rstep {step}/{a.steps}  loss {run_loss:.4f}  lr {sched.get_last_lr()[0]:.2e}  '
                      f'{el / 60:.1f} min  eta {eta / 60:.1f} min   ', end='', file=sys.stderr, flush=True)
            if step % a.val_every == 0 or step == a.steps or el > a.minutes * 60:
                v = validate(model, val, targets, floor)
                history.append({'step': step, 'minutes': round(el / 60, 2), 'train_loss': round(run_loss, 5),
                                'val_loss': round(v['loss'], 5), 'val_si_sdr_imp_db': round(v['si_sdr_imp'], 2)})
                mark = ''
                if v['loss'] < best['loss']:
                    best = {'loss': v['loss'], 'step': step, 'si_sdr_imp': v['si_sdr_imp'],
                            'tensors': {k: x.clone() for k, x in model.export_tensors().items()}}
                    mark = ' *'
                print(f'\nval step {step}: loss {v["loss"]:.4f}  SI-SDR improvement {v["si_sdr_imp"]:.2f} dB{mark}',
                      file=sys.stderr, flush=True)
            if el > a.minutes * 60:
                print(f'\ntime limit of {a.minutes} min reached at step {step}', file=sys.stderr)
                break
    finally:
        stop.set()
    meta = {
        'model': 'model S: dense 20-32 tanh, GRU 32-48, GRU 48-48, dense 48-20 sigmoid (band gains)',
        'trained_by': 'python3 firmware/models/model-s/train/train.py ' + ' '.join(sys.argv[1:]),
        'seed': str(a.seed), 'steps': str(step), 'best_step': str(best['step']),
        'val_loss': f'{best["loss"]:.5f}', 'val_si_sdr_improvement_db': f'{best["si_sdr_imp"]:.2f}',
        'minutes': f'{(time.time() - t0) / 60:.1f}', 'torch': torch.__version__,
        'data': json.dumps({'seed': a.seed, 'mixture_seconds': a.seconds, 'batch': a.batch}),
    }
    checkpoint.save(a.out, best['tensors'], meta)
    with open(a.out, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    hist_path = os.path.join(a.data, 'train-history.json')
    with open(hist_path, 'w') as f:
        json.dump({'meta': meta, 'history': history}, f, indent=2)
    print(f'wrote {a.out} (sha256 {digest[:16]}, best val step {best["step"]}), history {hist_path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
