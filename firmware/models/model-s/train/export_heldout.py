"""Copy a handful of held-out cases (test voices, every family of noise) from the evaluation suite
that make_data.py built into the committed vector suite vectors/heldout/, so that every regression
run shows enhancement on voices the model never saw.

    python3 firmware/models/model-s/train/export_heldout.py [--data firmware/build/train]

Then `hil golden --suite heldout` makes its goldens. The WAVs are the make_data.py ones, bit for bit.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '../../../..'))
CASES = ['flite-slt-white-5db', 'flite-awb-pink-0db', 'espeak-ng-en-gb-annie-babble-5db',
         'espeak-ng-en-us-nyc-john-keyboard-5db', 'espeak-ng-en-gb-x-rp-m5-fan-10db', 'espeak-ng-en-gb-klatt3-hum-5db',
         'flite-slt-clean']


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=os.path.join(ROOT, 'firmware/build/train'))
    a = ap.parse_args()
    src = os.path.join(a.data, 'heldout-eval')
    with open(os.path.join(src, 'manifest.json')) as f:
        manifest = json.load(f)
    by_name = {c['name']: c for c in manifest['cases']}
    missing = [n for n in CASES if n not in by_name]
    if missing:
        print(f'error: {src}/manifest.json has no case {missing[0]} (run make_data.py --seed 1)', file=sys.stderr)
        return 2
    dst = os.path.join(ROOT, 'vectors/heldout')
    os.makedirs(os.path.join(dst, 'clean'), exist_ok=True)
    cases = []
    for n in CASES:
        c = dict(by_name[n])
        for key in ('input', 'reference'):
            shutil.copyfile(os.path.join(src, c[key]), os.path.join(dst, c[key]))
        c['tags'] = sorted(set(c['tags']) | {'speech'})
        cases.append(c)
    out = {'$schema': '../manifest.schema.json', 'suite': 'heldout',
           'description': 'Voices model S never saw in training or model selection (its test voices), in stationary, '
                          'babble and non-stationary noise, with clean references: a few cases of the evaluation suite',
           'generatedBy': 'python3 firmware/models/model-s/train/make_data.py --seed 1 && '
                          'python3 firmware/models/model-s/train/export_heldout.py',
           'cases': cases}
    with open(os.path.join(dst, 'manifest.json'), 'w') as f:
        json.dump(out, f, indent=2)
        f.write('\n')
    print(f'wrote vectors/heldout: {len(cases)} cases')
    return 0


if __name__ == '__main__':
    sys.exit(main())
