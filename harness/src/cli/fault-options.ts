/** `hil run --fault-rate R [--fault-seed N] [--fault-kinds a,b]`: seeded link fault injection. */
import { HarnessError } from '../core/errors.ts';
import type { LinkFaultSpec } from '../runner/run.ts';
import { FAULT_KINDS, type FaultKind } from '../transport/faulty-link.ts';

export interface FaultArgs {
  'fault-rate'?: number;
  'fault-seed'?: number;
  'fault-kinds'?: string;
}

/** The fault injection the options ask for, or null; a bad value is a one-line USAGE error. */
export function parseFaultOptions(a: FaultArgs): LinkFaultSpec | null {
  const rate = a['fault-rate'];
  if (rate === undefined) {
    if (a['fault-seed'] !== undefined || a['fault-kinds'] !== undefined) {
      throw new HarnessError('USAGE', '--fault-seed and --fault-kinds need --fault-rate (e.g. --fault-rate 1e-3)', { key: 'fault-rate' });
    }
    return null;
  }
  if (!(typeof rate === 'number' && rate >= 0 && rate <= 1)) {
    throw new HarnessError('USAGE', `--fault-rate ${String(rate)}: expected a per-byte probability from 0 to 1, e.g. 1e-3`, { key: 'fault-rate' });
  }
  const seed = a['fault-seed'] ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new HarnessError('USAGE', `--fault-seed ${String(seed)}: expected a non-negative integer`, { key: 'fault-seed' });
  }
  let kinds: FaultKind[] | undefined;
  if (a['fault-kinds'] !== undefined) {
    const names = String(a['fault-kinds']).split(',').map((k) => k.trim()).filter((k) => k.length > 0);
    const bad = names.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
    if (names.length === 0 || bad.length > 0) {
      throw new HarnessError('USAGE', `--fault-kinds ${JSON.stringify(a['fault-kinds'])}: expected a comma-separated list of ${FAULT_KINDS.join(', ')}`, { key: 'fault-kinds' });
    }
    kinds = names as FaultKind[];
  }
  return { rate, seed, ...(kinds ? { kinds } : {}) };
}
