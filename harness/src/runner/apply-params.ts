/** Apply named real-valued parameters on a session, in a stable order; returns the applied values. */
import type { Session } from '../session/session.ts';

export async function applyParams(session: Session, params: Readonly<Record<string, number>>): Promise<Record<string, number>> {
  const applied: Record<string, number> = {};
  for (const name of Object.keys(params).sort()) applied[name] = await session.setParam(name, params[name]!);
  return applied;
}
