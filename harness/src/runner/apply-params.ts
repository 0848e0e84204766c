/** Apply named real-valued parameters on a session, in a stable order; returns the applied values. */
import { HarnessError } from '../core/errors.ts';
import type { Session } from '../session/session.ts';

export async function applyParams(session: Session, params: Readonly<Record<string, number>>): Promise<Record<string, number>> {
  const applied: Record<string, number> = {};
  for (const name of Object.keys(params).sort()) applied[name] = await session.setParam(name, params[name]!);
  return applied;
}

/**
 * Put every model parameter to its wanted value, or to the device's default when not wanted, so
 * no setting leaks from an earlier stream. A wanted name the model does not have is an INPUT
 * error naming `what` (e.g. "case smoke/tone-1k"). Returns every applied value (device-rounded).
 */
export async function applyAllParams(session: Session, wanted: Readonly<Record<string, number>>, what: string): Promise<Record<string, number>> {
  const known = new Set(session.info.params.map((p) => p.name));
  for (const name of Object.keys(wanted)) {
    if (!known.has(name)) {
      throw new HarnessError('INPUT', `${what}: parameter "${name}" does not exist on model ${session.info.model} (has: ${[...known].join(', ')})`, {
        key: `params.${name}`,
      });
    }
  }
  const applied: Record<string, number> = {};
  for (const p of session.info.params) applied[p.name] = await session.setParam(p.name, wanted[p.name] ?? p.def / 2 ** p.fracBits);
  return applied;
}
