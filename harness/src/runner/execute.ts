/**
 * Execute selected cases on `jobs` target instances in parallel. Each worker owns one target and
 * one session; after any error the target is stopped and the next attempt or case starts a fresh
 * one. A case that meets a link or target error (including a device that stops answering) is
 * retried up to `retries` times; a device that reports a fault or resets itself is not, and a test
 * failure (mismatch, margin) never is (classify-fault.ts). Earlier attempts' errors are kept in
 * the result. After a failed case the run keeps going. On abort, unfinished cases are marked
 * skipped and the run incomplete — every finished result is kept.
 */
import { isHarnessError } from '../core/errors.ts';
import { describeFault, type AttemptError, type CaseFault } from '../core/reliability-record.ts';
import type { CaseError, CaseResult } from '../core/results.ts';
import type { FramingChoice } from '../session/session-options.ts';
import type { DeviceInfo } from '../protocol/device-info.ts';
import type { DeviceStats } from '../protocol/device-reports.ts';
import { Session } from '../session/session.ts';
import type { LinkRate } from '../session/stall-timeout.ts';
import type { Target } from '../targets/target.ts';
import type { ByteLink } from '../transport/byte-link.ts';
import type { RunnableCase } from './case-spec.ts';
import { classifyFault, isRetryable, sameFault } from './classify-fault.ts';
import { measureCaseQuality } from './case-quality.ts';
import { evaluateCase, unmeasuredCase, type EvaluationContext } from './evaluate-case.ts';
import { measureCase } from './measure-case.ts';
import { ReferenceSession, type ReferenceFactory } from './reference-session.ts';
import { explainTargetDeath } from './open-session.ts';
import { scheduleCases } from './schedule.ts';

export interface ExecuteHooks {
  onCaseStart?(c: RunnableCase, index: number, total: number): void;
  /** `secondsPerFrame`: audio seconds per frame (hop / rate from the handshake). */
  onProgress?(c: RunnableCase, done: number, total: number, secondsPerFrame: number): void;
  onCaseEnd?(r: CaseResult): void | Promise<void>;
  /** The first handshake of the run, before any case streams. */
  onHandshake?(info: DeviceInfo): void;
}

export interface ExecuteOptions {
  readonly cases: readonly RunnableCase[];
  readonly jobs: number;
  readonly retries: number;
  readonly window: number;
  readonly framing?: FramingChoice;
  /** Measure each case's quality figures (enhancement, model S's deployment loss); default true. */
  readonly quality?: boolean;
  readonly handshakeTimeoutMs: number;
  readonly globalParams: Readonly<Record<string, number>>;
  /** A target for a worker; null when none is free (a pool whose boards are busy or out): the
   *  worker then puts its case back in the queue for another worker and stops. */
  readonly makeTarget: () => Target | null;
  /** A target met an infrastructure error (a pool takes that board out). */
  readonly targetFailed?: (t: Target, e: unknown) => void;
  /** A worker is done with its target (after stop). */
  readonly releaseTarget?: (t: Target) => void;
  /** A case finished on this target. */
  readonly caseFinished?: (t: Target) => void;
  /** Why cases left in the queue found no target (a pool with no board left). */
  readonly noTargetReason?: () => string;
  readonly evaluation: (info: DeviceInfo) => EvaluationContext;
  readonly loadGolden: (c: RunnableCase, rate: number) => Promise<Int16Array | null>;
  readonly signal?: AbortSignal;
  readonly hooks?: ExecuteHooks;
  /** Wrap each target's link (e.g. in a fault injector for soak runs). */
  readonly wrapLink?: (link: ByteLink) => ByteLink;
  /** The link's rate and target speed, from which the stall timeout is derived. */
  readonly linkRate?: LinkRate;
  /** Per-stage counts on every session whose model declares stages (PROFILE). */
  readonly profile?: boolean;
  /**
   * Name the first divergent stage of every mismatching case against this reference (the host
   * simulator build of the device's model; runner/diagnose-divergence.ts). Absent: no search.
   */
  readonly reference?: ReferenceFactory;
}

export interface ExecuteResult {
  readonly results: CaseResult[];
  readonly info: DeviceInfo | null;
  readonly stats: DeviceStats | null;
  readonly complete: boolean;
  readonly outputs: Map<string, Int16Array>;
  readonly targetDescription: string | null;
  /** Target instances started (first starts and restarts). */
  readonly targetStarts: number;
  /** The stall timeout of the first session opened. */
  readonly stall: { readonly ms: number; readonly formula: string } | null;
}

type Fault = Omit<CaseFault, 'reproduced'>;

/** A case's attempts so far, carried to another worker when its target was taken out. */
interface AttemptState {
  attempts: number;
  lastFault: Fault | null;
  reproduced: boolean;
  readonly earlier: AttemptError[];
}

/** No target is free for this worker (runner/board-pool.ts). */
class NoTarget extends Error {}

function toCaseError(e: unknown, fault: Fault | null = null, reproducedOver = 0): CaseError {
  const f: CaseFault | undefined = fault ? { ...fault, reproduced: reproducedOver > 1 } : undefined;
  const note = f ? ` [device fault: ${describeFault(f)}${f.reproduced ? `; reproduced on all ${reproducedOver} attempts: a deterministic device fault, not a flaky link` : ''}]` : '';
  if (isHarnessError(e)) {
    const detail: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(e.context)) if (typeof v === 'string' || typeof v === 'number') detail[k] = v;
    return { code: e.code, message: e.message + note, detail, ...(f ? { fault: f } : {}) };
  }
  return { code: 'TARGET', message: `internal error: ${(e as Error)?.message ?? String(e)}` };
}

export async function execute(o: ExecuteOptions): Promise<ExecuteResult> {
  const results = new Map<string, CaseResult>();
  const carried = new Map<string, AttemptState>();
  const outputs = new Map<string, Int16Array>();
  const queue = scheduleCases(o.cases, o.jobs, (c) => c.inputBytes);
  let info: DeviceInfo | null = null;
  let stats: DeviceStats | null = null;
  let targetDescription: string | null = null;
  let targetStarts = 0;
  let stall: ExecuteResult['stall'] = null;
  const aborted = () => o.signal?.aborted === true;

  async function worker(): Promise<void> {
    let target: Target | undefined;
    let session: Session | undefined;
    const reference = o.reference ? new ReferenceSession(o.reference, { handshakeTimeoutMs: o.handshakeTimeoutMs, signal: o.signal }) : null;
    const teardown = async () => {
      await session?.close().catch(() => undefined);
      await target?.stop();
      if (target) o.releaseTarget?.(target);
      session = undefined;
      target = undefined;
    };
    const ensure = async (): Promise<Session> => {
      if (session) return session;
      const t = o.makeTarget();
      if (!t) throw new NoTarget();
      target = t;
      targetDescription ??= target.description;
      targetStarts++;
      try {
        const raw = await target.start({ signal: o.signal });
        const link = o.wrapLink ? o.wrapLink(raw) : raw;
        session = await Session.open(link, {
          target: target.description,
          window: o.window,
          framing: o.framing,
          handshakeTimeoutMs: o.handshakeTimeoutMs,
          signal: o.signal,
          linkRate: o.linkRate,
        });
      } catch (e) {
        throw await explainTargetDeath(target, e);
      }
      if (o.profile && session.info.stages?.length) await session.setProfiling(true);
      if (!info) {
        info = session.info;
        o.hooks?.onHandshake?.(info);
      }
      stall ??= session.stall;
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
        const st: AttemptState = carried.get(c.id) ?? { attempts: 0, lastFault: null, reproduced: true, earlier: [] };
        carried.delete(c.id);
        const earlier = st.earlier;
        let ranOn: Target | undefined;
        while (!result && st.attempts <= o.retries) {
          st.attempts++;
          const attempts = st.attempts;
          try {
            const s = await ensure();
            ranOn = target;
            const golden = await o.loadGolden(c, s.info.rate);
            const m = await measureCase(s, c, { globalParams: o.globalParams, signal: o.signal, onFrame: (d, t) => o.hooks?.onProgress?.(c, d, t, s.info.hop / s.info.rate) });
            result = evaluateCase(c, m, golden, o.evaluation(s.info), attempts);
            if (o.quality !== false) result = { ...result, quality: await measureCaseQuality(c, m, s.info) };
            if (result.status !== 'passed') outputs.set(c.id, m.output);
            const first = result.output?.status === 'fail' ? result.output.firstMismatch : null;
            if (reference && first && !aborted()) {
              const d = await reference.diagnose({ target: s, input: m.input, params: { ...o.globalParams, ...c.params }, outputFrame: first.frame, what: `case ${c.id}` });
              result = { ...result, firstDivergence: d.divergence };
              if (d.broken) await teardown(); // the next case starts a fresh target
            }
          } catch (e) {
            if (e instanceof NoTarget) {
              // every target is busy or out: another worker takes the case; this one stops
              st.attempts--;
              carried.set(c.id, st);
              queue.unshift(next);
              return;
            }
            const err = target ? await explainTargetDeath(target, e) : e;
            const fault = aborted() ? null : classifyFault(err, { detectionMs: session?.detectionMs, frame: session?.failedFrame });
            if (attempts > 1 && !sameFault(fault, st.lastFault)) st.reproduced = false;
            st.lastFault = fault;
            const log = session ? session.deviceLog.slice(-50).map((l) => ({ ...l })) : [];
            const final = (): CaseError => {
              const ce = toCaseError(err, fault, st.reproduced ? attempts : 0);
              const first = earlier[0];
              // a case whose attempts all failed names the first attempt's fault as well as the last
              return first && first.message !== ce.message ? { ...ce, message: `${ce.message} (attempt ${first.attempt}: ${first.code}: ${first.message})` } : ce;
            };
            const infrastructure = !aborted() && !(isHarnessError(err) && (err.code === 'INTERRUPTED' || err.code === 'INPUT' || err.code === 'CONFIG' || err.code === 'USAGE'));
            if (infrastructure && target) o.targetFailed?.(target, err);
            if (aborted() || (isHarnessError(err) && err.code === 'INTERRUPTED')) {
              result = unmeasuredCase(c, 'skipped', { code: 'INTERRUPTED', message: 'interrupted while running' }, attempts);
            } else if (isHarnessError(err) && (err.code === 'INPUT' || err.code === 'CONFIG' || err.code === 'USAGE')) {
              result = unmeasuredCase(c, 'error', toCaseError(err), attempts); // the user's input: retrying cannot help
            } else if (!isRetryable(err, fault) || attempts > o.retries) {
              result = unmeasuredCase(c, 'error', final(), attempts, log); // the device's own report, or out of retries
            } else {
              const ce = toCaseError(err, fault);
              earlier.push({ attempt: attempts, code: ce.code, message: ce.message, fault: ce.fault ?? null });
            }
            await teardown();
          }
        }
        if (ranOn) {
          o.caseFinished?.(ranOn);
          const board = ranOn.identity?.();
          if (board) result = { ...result!, board };
        }
        if (earlier.length > 0) result = { ...result!, earlierAttempts: earlier };
        results.set(c.id, result!);
        await o.hooks?.onCaseEnd?.(result!);
      }
      if (session && !stats && !aborted()) stats = await session.stats().catch(() => null);
    } finally {
      await teardown();
      await reference?.close();
    }
  }

  const n = Math.max(1, Math.min(o.jobs, o.cases.length));
  await Promise.all(Array.from({ length: n }, () => worker()));
  const noTarget = (c: RunnableCase, st: AttemptState): CaseResult => {
    const r = unmeasuredCase(c, 'error', { code: 'TARGET', message: o.noTargetReason?.() ?? 'no target left to run it on' }, st.attempts);
    return st.earlier.length ? { ...r, earlierAttempts: st.earlier } : r;
  };
  const ordered = o.cases.map((c) => {
    const st = carried.get(c.id);
    const exhausted = !aborted() && (st !== undefined || o.noTargetReason !== undefined);
    return results.get(c.id) ?? (exhausted ? noTarget(c, st ?? { attempts: 0, lastFault: null, reproduced: true, earlier: [] }) : unmeasuredCase(c, 'skipped', { code: 'INTERRUPTED', message: 'not run' }, 0));
  });
  const complete = !aborted() && ordered.every((r) => r.status !== 'skipped');
  return { results: ordered, info, stats, complete, outputs, targetDescription, targetStarts, stall };
}
