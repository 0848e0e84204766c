/**
 * The reference a worker compares a mismatching case with (runner/diagnose-divergence.ts): the
 * host simulator build of the device's model, started on the first diagnosis and kept for the
 * worker's later cases. I/O only.
 */
import type { StageDivergence } from '../assertions/stage-divergence.ts';
import { isHarnessError } from '../core/errors.ts';
import type { DeviceInfo } from '../protocol/device-info.ts';
import { Session } from '../session/session.ts';
import type { Target } from '../targets/target.ts';
import { diagnoseDivergence, type DiagnoseOptions } from './diagnose-divergence.ts';
import { explainTargetDeath } from './open-session.ts';

/** A reference target for a device and how reports name it, or why there is none (one line). */
export type ReferenceFactory = (info: DeviceInfo) => { readonly target: Target; readonly name: string } | string;

export interface ReferenceOptions {
  readonly handshakeTimeoutMs: number;
  readonly signal?: AbortSignal;
}

export class ReferenceSession {
  private target: Target | undefined;
  private session: Session | undefined;
  private label = '';

  constructor(
    private readonly make: ReferenceFactory,
    private readonly o: ReferenceOptions,
  ) {}

  /**
   * Diagnose one case. Never throws: every failure becomes an `unavailable` record. `broken` says
   * whether the target's session may be unusable afterwards (the caller restarts it).
   */
  async diagnose(d: Omit<DiagnoseOptions, 'reference' | 'referenceLabel'>): Promise<{ divergence: StageDivergence; broken: boolean }> {
    const unavailable = (message: string, broken: boolean) => ({
      divergence: { status: 'unavailable' as const, message, reference: this.label || null, outputFrame: d.outputFrame, framesCompared: 0 },
      broken,
    });
    let reference: Session;
    try {
      const got = await this.open(d.target.info);
      if (typeof got === 'string') return unavailable(got, false);
      reference = got;
    } catch (e) {
      await this.close();
      return unavailable(`the reference could not be started: ${isHarnessError(e) ? e.message : String(e)}`, false);
    }
    try {
      return { divergence: await diagnoseDivergence({ ...d, reference, referenceLabel: this.label }), broken: false };
    } catch (e) {
      const err = this.target ? await explainTargetDeath(this.target, e) : e;
      await this.close();
      return unavailable(`the search for the divergent stage failed: ${isHarnessError(err) ? err.message : String(err)}`, true);
    }
  }

  private async open(info: DeviceInfo): Promise<Session | string> {
    if (this.session) return this.session;
    const made = this.make(info);
    if (typeof made === 'string') return made;
    const t = made.target;
    this.target = t;
    try {
      const link = await t.start({ signal: this.o.signal });
      this.session = await Session.open(link, { target: `reference ${t.description}`, handshakeTimeoutMs: this.o.handshakeTimeoutMs, signal: this.o.signal });
    } catch (e) {
      throw await explainTargetDeath(t, e);
    }
    this.label = `${made.name} (build ${this.session.info.build})`;
    return this.session;
  }

  async close(): Promise<void> {
    await this.session?.close().catch(() => undefined);
    await this.target?.stop();
    this.session = undefined;
    this.target = undefined;
  }
}
