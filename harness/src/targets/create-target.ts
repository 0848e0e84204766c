/** Build a Target from a resolved profile. */
import type { TargetProfile } from '../config/config-types.ts';
import { BoardTarget } from './board/board-target.ts';
import { QemuTarget } from './qemu/qemu-target.ts';
import { SimTarget } from './sim-target.ts';
import type { Target } from './target.ts';

export function createProfileTarget(p: TargetProfile): Target {
  switch (p.kind) {
    case 'sim':
      return new SimTarget(p.firmware);
    case 'qemu':
      return QemuTarget.fromProfile(p);
    case 'board':
      return new BoardTarget(p);
  }
}
