/** Build a Target from a resolved profile. */
import type { TargetProfile } from '../config/config-types.ts';
import { HarnessError } from '../core/errors.ts';
import { QemuTarget } from './qemu-target.ts';
import { SimTarget } from './sim-target.ts';
import type { Target } from './target.ts';

export function createProfileTarget(p: TargetProfile): Target {
  switch (p.kind) {
    case 'sim':
      return new SimTarget(p.firmware);
    case 'qemu':
      return new QemuTarget(p);
    case 'board':
      throw new HarnessError('USAGE', `target kind "board" (profile ${p.name}) is not available in this build yet`, { target: p.name });
  }
}
