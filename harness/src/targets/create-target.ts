/** Build a Target from a resolved profile (or from bare CLI options, for info/process). */
import type { TargetProfile } from '../config/config-types.ts';
import { HarnessError } from '../core/errors.ts';
import { defaultFirmware } from './default-firmware.ts';
import { SimTarget } from './sim-target.ts';
import type { Target, TargetKind } from './target.ts';

export interface TargetOptions {
  readonly kind: TargetKind;
  readonly firmware?: string;
  readonly model?: string;
}

export function createProfileTarget(p: TargetProfile): Target {
  switch (p.kind) {
    case 'sim':
      return new SimTarget(p.firmware);
    case 'qemu':
    case 'board':
      throw new HarnessError('USAGE', `target kind "${p.kind}" (profile ${p.name}) is not available in this build yet`, { target: p.name });
  }
}

export function createTarget(o: TargetOptions): Target {
  const firmware = o.firmware ?? defaultFirmware(o.kind, o.model);
  switch (o.kind) {
    case 'sim':
      return new SimTarget(firmware);
    case 'qemu':
    case 'board':
      throw new HarnessError('USAGE', `target "${o.kind}" is not available in this build yet`, { target: o.kind });
  }
}
