"""Evaluate the int16 build of model S on the held-out test voices (never seen in training or
model selection), on QEMU, through hil itself:

    python3 firmware/models/model-s/train/evaluate.py [--data firmware/build/train] [--jobs 2]

1. `hil golden` makes the held-out suite's goldens on the host simulator (the bit-true reference);
2. `hil run --target qemu` streams every case through the emulated Cortex-M4 build, checks it
   bit-exact against those goldens and measures SNR, SI-SDR, segmental SNR and STOI against the
   clean references (harness/src/dsp/quality.ts, stoi.ts);
3. this script averages the report's figures per noise kind and input SNR, writes
   <data>/evaluation.json and prints the Markdown table that the README carries.

Needs only Python's standard library and the repository's Node set-up (npm ci, npm run build);
the suite comes from make_data.py. PESQ is not measured (no implementation installable here).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '../../../..'))
KINDS = ['white', 'pink', 'brown', 'babble', 'hum', 'clicks', 'keyboard', 'am', 'fan']
FIGURES = ['siSdrDb', 'snrDb', 'segSnrDb', 'stoi']


def hil(args: list[str]) -> None:
    cmd = ['node', os.path.join(ROOT, 'harness/bin/hil.js'), *args]
    print('$ hil ' + ' '.join(args), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, cwd=ROOT)
    if r.returncode not in (0, 1):
        sys.exit(f'hil {args[0]} failed with exit code {r.returncode}')


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=os.path.join(ROOT, 'firmware/build/train'))
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--target', default='qemu')
    a = ap.parse_args()
    suite = os.path.join(a.data, 'heldout-eval', 'manifest.json')
    if not os.path.exists(suite):
        print(f'error: {suite} not found: run make_data.py first', file=sys.stderr)
        return 2
    config = os.path.join(a.data, 'eval.config.json')
    with open(config, 'w') as f:
        json.dump({'defaults': {'vectorsDir': a.data, 'reportsDir': os.path.join(a.data, 'eval-reports'),
                                'suites': ['heldout-eval']}}, f, indent=2)
    hil(['golden', '--config', config, '--suite', 'heldout-eval'])
    run_id = 'heldout-' + a.target
    run_dir = os.path.join(a.data, 'eval-reports', run_id)
    if os.path.exists(run_dir):
        subprocess.run(['rm', '-rf', run_dir], check=True)
    hil(['run', '--config', config, '--target', a.target, '--suite', 'heldout-eval', '--jobs', str(a.jobs), '--run-id', run_id])
    with open(os.path.join(run_dir, 'report.json')) as f:
        report = json.load(f)

    groups = defaultdict(list)
    bitexact = 0
    for c in report['cases']:
        if c.get('output') and c['output'].get('status') == 'pass':
            bitexact += 1
        e = (c.get('quality') or {}).get('enhancement')
        if not e:
            continue
        tags = c['tags']
        kind = next((k for k in KINDS if k in tags), 'clean')
        snr = next((t[4:-2] for t in tags if t.startswith('snr-')), '-')
        groups[(kind, snr)].append(e)
    rows = []
    for kind in KINDS + ['clean']:
        for snr in ['0', '5', '10', '-']:
            es = groups.get((kind, snr))
            if not es:
                continue
            row = {'kind': kind, 'snr_db': snr, 'cases': len(es)}
            for part in ('input', 'output', 'improvement'):
                row[part] = {k: mean([e[part][k] for e in es]) for k in FIGURES}
            rows.append(row)
    goals = goal_figures(groups)
    out = {'run': run_dir, 'target': report['target']['profile'], 'device': report.get('device'),
           'cases': len(report['cases']), 'bit_exact_vs_sim': bitexact, 'rows': rows, 'goals': goals}
    with open(os.path.join(a.data, 'evaluation.json'), 'w') as f:
        json.dump(out, f, indent=2)

    f2 = lambda x, d=1: '–' if x is None else f'{x:.{d}f}'
    s2 = lambda x, d=1: '–' if x is None else f'{x:+.{d}f}'
    print(f'\nHeld-out test voices, int16 build on {out["target"]}: {bitexact}/{len(report["cases"])} cases bit-exact with the host simulator\n')
    print('| noise | input SNR | cases | SI-SDR in → out | ΔSI-SDR | ΔSNR | Δseg. SNR | STOI in → out | ΔSTOI |')
    print('|---|---:|---:|---|---:|---:|---:|---|---:|')
    for r in rows:
        i, o, d = r['input'], r['output'], r['improvement']
        print(f'| {r["kind"]} | {r["snr_db"] + " dB" if r["snr_db"] != "-" else "clean"} | {r["cases"]} | '
              f'{f2(i["siSdrDb"])} → {f2(o["siSdrDb"])} | {s2(d["siSdrDb"])} | {s2(d["snrDb"])} | {s2(d["segSnrDb"])} | '
              f'{f2(i["stoi"], 3)} → {f2(o["stoi"], 3)} | {s2(d["stoi"], 3)} |')
    print('\n| goal (issue 13) | target | measured | met |')
    print('|---|---|---:|---|')
    for g in goals:
        print(f'| {g["goal"]} | {g["target"]} | {g["measured"]:+.{g["digits"]}f} | {"yes" if g["met"] else "**no**"} |')
    return 0


NON_STATIONARY = ['hum', 'clicks', 'keyboard', 'am', 'fan']


def goal_figures(groups) -> list[dict]:
    """The quality goals of issue 13, each as the figure measured here (means over the cases of the
    listed noise kinds and input SNRs; the STOI and clean-speech goals per case)."""
    def cases(kinds, snrs):
        return [e for k in kinds for s in snrs for e in groups.get((k, s), [])]

    def imp(kinds, snrs, key):
        return mean([e['improvement'][key] for e in cases(kinds, snrs)])

    goals = []

    def add(goal, target, measured, met, digits=1):
        goals.append({'goal': goal, 'target': target, 'measured': measured, 'met': bool(met), 'digits': digits})

    for kind, want in [('white', 8.0), ('pink', 8.0), ('babble', 4.0)] + [(k, 3.0) for k in NON_STATIONARY]:
        m = imp([kind], ['0', '5', '10'], 'siSdrDb')
        add(f'mean ΔSI-SDR, {kind} 0–10 dB', f'≥ {want:+.0f} dB', m, m >= want)
    clean = [e['output']['snrDb'] for e in groups.get(('clean', '-'), [])]
    add('clean input: output SNR against itself, worst case', '≥ 20 dB', min(clean), min(clean) >= 20)
    add('clean input: output SNR against itself, mean', '≥ 20 dB', mean(clean), mean(clean) >= 20)
    noisy = [e for (k, _), es in groups.items() if k != 'clean' for e in es]
    worst = min(e['improvement']['stoi'] for e in noisy)
    add('ΔSTOI, worst noisy case', '≥ −0.01', worst, worst >= -0.01, 3)
    for kind in ('white', 'pink'):
        m = imp([kind], ['0', '5'], 'stoi')
        add(f'mean ΔSTOI, {kind} 0–5 dB', '≥ +0.02', m, m >= 0.02, 3)
    return goals


if __name__ == '__main__':
    sys.exit(main())
