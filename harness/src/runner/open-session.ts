/**
 * Start a target, open a protocol session on it, run `fn`, and always stop the target — on
 * success, on error and on abort. If the target dies while the session waits, the error says so
 * with the process's exit status and stderr tail.
 */
import { HarnessError, isHarnessError } from '../core/errors.ts';
import { Session, type SessionOptions } from '../session/session.ts';
import type { Target, TargetStartOptions } from '../targets/target.ts';

export interface OpenSessionOptions extends Omit<SessionOptions, 'target'> {
  readonly start?: TargetStartOptions;
}

export async function withSession<T>(
  target: Target,
  options: OpenSessionOptions,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  let session: Session | undefined;
  try {
    const link = await target.start(options.start);
    session = await Session.open(link, { ...options, target: target.description });
    return await fn(session);
  } catch (e) {
    throw await explainTargetDeath(target, e);
  } finally {
    await session?.close().catch(() => undefined);
    await target.stop();
  }
}

/** If the target process has exited, add its exit status and stderr to a link error. */
export async function explainTargetDeath(target: Target, e: unknown): Promise<unknown> {
  if (!target.exited || !isHarnessError(e) || (e.code !== 'LINK' && e.code !== 'HANDSHAKE')) return e;
  const exit = await Promise.race([target.exited, new Promise<undefined>((r) => setTimeout(r, 200, undefined))]);
  if (!exit) return e;
  const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderrTail.trim().split('\n').slice(-3).join(' | ');
  return new HarnessError('TARGET', `${target.description} ${how}${tail ? ` (stderr: ${tail})` : ''}; ${e.message}`, {
    ...e.context,
    target: target.description,
    exitStatus: how,
  }, { cause: e });
}
