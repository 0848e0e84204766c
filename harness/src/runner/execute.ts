/**
 * Execute selected cases on `jobs` target instances in parallel. Each worker owns one target and
 * one session; a case that meets an infrastructure error (link, target, timeout, device fault) is
 * retried on a freshly restarted target up to `retries` times; a test failure (mismatch, margin) is
 * never retried. After a failed case the run keeps going. On abort, unfinished cases are marked
 * skipped and the run incomplete — every finished result is kept.
 */
import { isHarnessError } from '../core/errors.ts';
import type { CaseError, CaseResult } from '../core/results.ts';
import type { DeviceInfo } from '../protocol/device-info.ts';
import type { DeviceStats } from '../protocol/device-reports.ts';
import { Session } from '../session/session.ts';
import type { Target } from '../targets/target.ts';
import type { RunnableCase } from './case-spec.ts';
import { evaluateCase, unmeasuredCase, type EvaluationContext } from './evaluate-case.ts';
import { measureCase } from './measure-case.ts';
import { explainTargetDeath } from './open-session.ts';

export interface ExecuteHooks {
  onCaseStart?(c: RunnableCase, index: number, total: number): void;
  onProgress?(c: RunnableCase, done: number, total: number): void;
  onCaseEnd?(r: CaseResult): void | Promise<void>;
}

export interface ExecuteOptions {
  readonly cases: readonly RunnableCase[];
  readonly jobs: number;
  readonly retries: number;
  readonly window: number;
  readonly handshakeTimeoutMs: number;
  readonly globalParams: Readonly<Record<string, number>>;
  readonly makeTarget: () => Target;
  readonly evaluation: (info: DeviceInfo) => EvaluationContext;
  readonly loadGolden: (c: RunnableCase, rate: number) => Promise<Int16Array | null>;
  readonly signal?: AbortSignal;
  readonly hooks?: ExecuteHooks;
}

export interface ExecuteResult {
  readonly results: CaseResult[];
  readonly info: DeviceInfo | null;
  readonly stats: DeviceStats | null;
  readonly complete: boolean;
  readonly outputs: Map<string, Int16Array>;
  readonly targetDescription: string | null;
}

function toCaseError(e: unknown): CaseError {
  if (isHarnessError(e)) {
    const detail: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(e.context)) if (typeof v === 'string' || typeof v === 'number') detail[k] = v;
    return { code: e.code, message: e.message, detail };
  }
  return { code: 'TARGET', message: `internal error: ${(e as Error)?.message ?? String(e)}` };
}

export async function execute(o: ExecuteOptions): Promise<ExecuteResult> {
  const results = new Map<string, CaseResult>();
  const outputs = new Map<string, Int16Array>();
  const queue = o.cases.map((c, i) => ({ c, i }));
  let info: DeviceInfo | null = null;
  let stats: DeviceStats | null = null;
  let targetDescription: string | null = null;
  const aborted = () => o.signal?.aborted === true;

  async function worker(): Promise<void> {
    let target: Target | undefined;
    let session: Session | undefined;
    const teardown = async () => {
      await session?.close().catch(() => undefined);
      await target?.stop();
      session = undefined;
      target = undefined;
    };
    const ensure = async (): Promise<Session> => {
      if (session) return session;
      target = o.makeTarget();
      targetDescription ??= target.description;
      try {
        const link = await target.start({ signal: o.signal });
        session = await Session.open(link, { target: target.description, window: o.window, handshakeTimeoutMs: o.handshakeTimeoutMs, signal: o.signal });
      } catch (e) {
        throw await explainTargetDeath(target, e);
      }
      info ??= session.info;
      return session;
    };
    try {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { c, i } = next;
        if (aborted()) {
          results.set(c.id, unmeasuredCase(c, 'skipped', { code: 'INTERRUPTED', message: 'not run: the run was interrupted' }, 0));
          continue;
        }
        o.hooks?.onCaseStart?.(c, i, o.cases.length);
        let result: CaseResult | undefined;
        let lastError: unknown;
        let attempts = 0;
        while (!result && attempts <= o.retries) {
          attempts++;
          try {
            const s = await ensure();
            const golden = await o.loadGolden(c, s.info.rate);
            const m = await measureCase(s, c, { globalParams: o.globalParams, signal: o.signal, onFrame: (d, t) => o.hooks?.onProgress?.(c, d, t) });
            result = evaluateCase(c, m, golden, o.evaluation(s.info), attempts);
            if (result.status !== 'passed') outputs.set(c.id, m.output);
          } catch (e) {
            const err = target ? await explainTargetDeath(target, e) : e;
            lastError = err;
            if (aborted() || (isHarnessError(err) && err.code === 'INTERRUPTED')) {
              result = unmeasuredCase(c, 'skipped', { code: 'INTERRUPTED', message: 'interrupted while running' }, attempts);
            } else if (isHarnessError(err) && (err.code === 'INPUT' || err.code === 'CONFIG' || err.code === 'USAGE')) {
              result = unmeasuredCase(c, 'error', toCaseError(err), attempts); // the user's input: retrying cannot help
            }
            const log = session ? session.deviceLog.slice(-50).map((l) => ({ ...l })) : [];
            await teardown();
            if (!result && attempts > o.retries) result = unmeasuredCase(c, 'error', toCaseError(lastError), attempts, log);
          }
        }
        results.set(c.id, result!);
        await o.hooks?.onCaseEnd?.(result!);
      }
      if (session && !stats && !aborted()) stats = await session.stats().catch(() => null);
    } finally {
      await teardown();
    }
  }

  const n = Math.max(1, Math.min(o.jobs, o.cases.length));
  await Promise.all(Array.from({ length: n }, () => worker()));
  const ordered = o.cases.map(
    (c) => results.get(c.id) ?? unmeasuredCase(c, 'skipped', { code: 'INTERRUPTED', message: 'not run' }, 0),
  );
  const complete = !aborted() && ordered.every((r) => r.status !== 'skipped');
  return { results: ordered, info, stats, complete, outputs, targetDescription };
}
