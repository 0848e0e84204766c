/** Checks and descriptions of a `board` target profile. Pure. */
import type { TargetProfile } from '../../config/config-types.ts';
import { HarnessError } from '../../core/errors.ts';
import type { CounterSource } from '../target.ts';
import { describePortSpec, hasIdentity } from './port-match.ts';

/** Config key of a profile, for messages: `targets.bench`. */
export function profileKey(p: TargetProfile): string {
  return `targets.${p.name}`;
}

/** Refuse a board profile that cannot work, naming the key to fix. */
export function checkBoardProfile(p: TargetProfile): void {
  const key = profileKey(p);
  if (p.members) {
    for (const m of p.members) checkBoardProfile(m);
    return;
  }
  // a labgrid board's port comes from its place when it is acquired
  if (!p.labgrid && (!p.port || (!p.port.path && !p.port.url && !hasIdentity(p.port)))) {
    throw new HarnessError(
      'CONFIG',
      `target ${p.name}: no serial port configured: set ${key}.port.path (e.g. "/dev/ttyACM0") or ${key}.port.vendorId/productId in hil.config.json, or pass --port`,
      { key: `${key}.port`, target: p.name },
    );
  }
  if (p.reset === 'flasher') {
    const f = p.flasher;
    if (f.type === 'none' || (f.type === 'command' && !f.resetArgv?.length)) {
      throw new HarnessError(
        'CONFIG',
        `${key}.reset: "flasher" needs a flasher that can reset: type "gdb", or type "command" with ${key}.flasher.resetArgv (flasher is ${f.type}${f.type === 'command' ? ' without resetArgv' : ''})`,
        { key: `${key}.reset`, target: p.name },
      );
    }
  }
}

/** The handshake's counter source must be the one the profile expects, if it names one. */
export function checkCounter(p: TargetProfile, reported: CounterSource): void {
  if (p.counter && p.counter !== reported) {
    throw new HarnessError(
      'CONFIG',
      `target ${p.name}: the firmware reports counter "${reported}", the profile expects "${p.counter}" (${profileKey(p)}.counter): wrong image or wrong profile`,
      { key: `${profileKey(p)}.counter`, target: p.name },
    );
  }
}

/** `board bench on /dev/ttyACM0 (USB 0483:374b) @115200, flasher gdb via localhost:3333`. */
export function describeBoard(p: TargetProfile, portPath: string | null, flasher: string): string {
  const spec = p.port ? describePortSpec(p.port) : '(no port)';
  const where = portPath && portPath !== p.port?.path && portPath !== p.port?.url ? `${portPath} (${spec})` : spec;
  return `${p.name === 'board' ? 'board' : `board ${p.name}`} on ${where} @${p.baudRate} baud, flasher ${flasher}`;
}
