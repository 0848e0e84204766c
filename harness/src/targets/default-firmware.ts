/** Default firmware image per target kind: the reference firmware built by `npm run build:fw`. */
import path from 'node:path';

import { FIRMWARE_BUILD } from '../core/paths.ts';
import type { TargetKind } from './target.ts';

/** Reference images by model id. */
export function defaultFirmware(kind: TargetKind, model = 'gain'): string {
  switch (kind) {
    case 'sim':
      return path.join(FIRMWARE_BUILD, 'host', `hil-sim-${model}`);
    case 'qemu':
    case 'board':
      return path.join(FIRMWARE_BUILD, 'qemu', `hil-qemu-${model}-semihost.elf`);
  }
}
