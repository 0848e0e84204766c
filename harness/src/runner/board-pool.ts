/**
 * A pool of bench boards run as one target (`targets.<pool>.pool` in hil.config.json): every
 * board is prepared (port found, image flashed) at the start, in parallel; each worker of the run
 * takes a free board; a board that fails (preparing, or an infrastructure error during a case) is
 * taken out for the rest of the run, and the case it was running goes back to the queue for
 * another board (runner/execute.ts). I/O only through the BoardTargets.
 */
import type { TargetProfile } from '../config/config-types.ts';
import type { PoolMemberRecord } from '../core/board-record.ts';
import { HarnessError, isHarnessError } from '../core/errors.ts';
import { BoardTarget } from '../targets/board/board-target.ts';
import type { Target } from '../targets/target.ts';

interface Member {
  readonly target: BoardTarget;
  busy: boolean;
  out: string | null;
  cases: number;
  started: boolean;
}

function oneLine(e: unknown): string {
  return (isHarnessError(e) ? e.message : e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

export class BoardPool {
  private readonly members: Member[];

  constructor(
    readonly profile: TargetProfile,
    make: (p: TargetProfile) => BoardTarget = (p) => new BoardTarget(p),
  ) {
    this.members = (profile.members ?? []).map((p) => ({ target: make(p), busy: false, out: null, cases: 0, started: false }));
  }

  get size(): number {
    return this.members.length;
  }

  /** Boards still in service. */
  get usable(): number {
    return this.members.filter((m) => m.out === null).length;
  }

  /** Prepare every board; those that fail are taken out. None left: a TARGET error naming each. */
  async prepare(signal?: AbortSignal): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        try {
          await m.target.prepare({ signal });
        } catch (e) {
          m.out = `preparing it failed: ${oneLine(e)}`;
        }
      }),
    );
    if (this.usable === 0) {
      throw new HarnessError('TARGET', `pool ${this.profile.name}: no usable board: ${this.members.map((m) => `${m.target.profile.name}: ${m.out}`).join('; ')}`, { target: this.profile.name });
    }
  }

  /** A free board in service, marked busy; null when every usable board is busy or none is left. */
  acquire(): BoardTarget | null {
    const m = this.members.find((x) => x.out === null && !x.busy);
    if (!m) return null;
    m.busy = true;
    m.started = true;
    return m.target;
  }

  release(t: Target): void {
    const m = this.find(t);
    if (m) m.busy = false;
  }

  /** Take a board out for the rest of the run (an infrastructure error on it). */
  fail(t: Target, e: unknown): void {
    const m = this.find(t);
    if (m && m.out === null) m.out = oneLine(e);
  }

  /** A case finished on this board. */
  finished(t: Target): void {
    const m = this.find(t);
    if (m) m.cases++;
  }

  /** Why no board can take a case any more. */
  noBoardReason(): string {
    return `no usable board left in pool ${this.profile.name} (${this.members.map((m) => `${m.target.profile.name}: ${m.out ?? 'busy'}`).join('; ')})`;
  }

  record(): PoolMemberRecord[] {
    return this.members.map((m) => ({
      name: m.target.profile.name,
      port: m.target.port?.path ?? m.target.profile.port?.path ?? m.target.profile.port?.url ?? null,
      serialNumber: m.target.port?.serialNumber ?? m.target.profile.port?.serialNumber ?? null,
      status: m.out !== null ? 'out' : m.started ? 'used' : 'unused',
      reason: m.out,
      cases: m.cases,
    }));
  }

  private find(t: Target): Member | undefined {
    return this.members.find((m) => m.target === t);
  }
}
