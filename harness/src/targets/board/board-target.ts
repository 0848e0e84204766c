/**
 * `board` target: a real board (or the virtual bench board) on a serial port.
 *
 * prepare() — once per BoardTarget: look the port up (by path, or by USB identity through the
 * port listing) and flash the image with the profile's flasher (gdb / command / none). With
 * flasher `none` a missing port fails here, at once, listing the ports that exist; with a real
 * flasher the port may legitimately be missing until the new firmware enumerates.
 *
 * start() — every (re)start: wait for the port to (re)appear and open it (USB re-enumeration after
 * the flash), discard stale input, then reset the board by the profile's method with the port
 * already open, so the link holds the firmware's output from the first byte after the reset; the
 * session's handshake follows. stop() closes the port; the board keeps running. A BoardTarget can
 * be started again after stop() without flashing again.
 */
import type { TargetProfile } from '../../config/config-types.ts';
import type { BoardRecord, FlashRecord, PortRecord } from '../../core/board-record.ts';
import { HarnessError } from '../../core/errors.ts';
import { createFlasher } from '../../flash/create-flasher.ts';
import { describeToolEnd, outputTail, runTool } from '../../flash/run-tool.ts';
import type { Flasher } from '../../flash/flasher.ts';
import type { ByteLink } from '../../transport/byte-link.ts';
import { openRemotePort, parsePortUrl } from '../../transport/remote-serial-link.ts';
import type { SerialLink } from '../../transport/serial-port-link.ts';
import type { CaseBoard, Target, TargetExit, TargetStartOptions } from '../target.ts';
import { checkBoardProfile, describeBoard, profileKey } from './board-profile.ts';
import { lookUpPort, openBoardPort, portError, type PortLookupOptions } from './board-port.ts';
import { resetBoard, type ResetResult } from './board-reset.ts';

/** Before the reset, the line must be quiet this long (stale output of an earlier session, still
 *  in flight, would otherwise run into the BOOT line and hide it) — at most STALE_MAX_MS. */
const STALE_QUIET_MS = 100;
const STALE_MAX_MS = 2000;

export interface PrepareOptions {
  readonly signal?: AbortSignal;
}

export class BoardTarget implements Target {
  readonly kind = 'board' as const;
  readonly firmware: string;
  readonly exited: Promise<TargetExit> | undefined = undefined;
  readonly flasher: Flasher;
  private preparing: Promise<void> | undefined;
  private flashed: FlashRecord | null = null;
  private resolved: PortRecord | null = null;
  private link: SerialLink | undefined;
  private reset: ResetResult | undefined;
  private stale = 0;

  constructor(
    readonly profile: TargetProfile,
    private readonly lookup: PortLookupOptions = {},
  ) {
    checkBoardProfile(profile);
    this.firmware = profile.firmware;
    this.flasher = createFlasher({ firmware: profile.firmware, flasher: profile.flasher, where: `${profileKey(profile)}.flasher` });
  }

  get description(): string {
    return describeBoard(this.profile, this.resolved?.path ?? null, this.flasher.type === 'none' ? 'none' : this.flasher.description);
  }

  private get who(): string {
    return this.profile.name === 'board' ? 'board' : `board ${this.profile.name}`;
  }

  identity(): CaseBoard {
    const spec = this.profile.port;
    return { name: this.profile.name, port: this.resolved?.path ?? spec?.path ?? spec?.url ?? null, serialNumber: this.resolved?.serialNumber ?? spec?.serialNumber ?? null };
  }

  /** The port as last resolved (null before the first lookup). */
  get port(): PortRecord | null {
    return this.resolved;
  }

  /** The flash step of this target (null: not flashed, flasher `none`). */
  get flash(): FlashRecord | null {
    return this.flashed;
  }

  /** Bytes of stale output dropped before the last reset. */
  get staleBytes(): number {
    return this.stale;
  }

  /** The output of the last reset through the flasher. */
  get lastReset(): ResetResult | undefined {
    return this.reset;
  }

  /** What the report records about the board (null before the port was resolved). */
  record(): BoardRecord | null {
    if (!this.resolved) return null;
    return { port: this.resolved, baudRate: this.profile.baudRate, reset: this.profile.reset, flash: this.flashed, flasher: this.flasher.type };
  }

  /** Resolve the port and flash the image, once. A failure can be retried by calling again. */
  prepare(o: PrepareOptions = {}): Promise<void> {
    this.preparing ??= this.doPrepare(o).catch((e: unknown) => {
      this.preparing = undefined;
      throw e;
    });
    return this.preparing;
  }

  private async doPrepare(o: PrepareOptions): Promise<void> {
    const spec = this.profile.port!;
    if (spec.url) await this.checkRemote(spec.url, o);
    const m = await lookUpPort(spec, this.lookup);
    if (m.ok) this.resolved = m.record;
    else if (this.flasher.type === 'none') throw portError(m.message, spec, this.who);
    if (this.flasher.type !== 'none') {
      this.flashed = await this.flasher.flash({ signal: o.signal, port: this.resolved?.path ?? spec.path ?? null, baudRate: this.profile.baudRate });
    }
  }

  /** A remote port must answer before anything is flashed: connect (and, for RFC 2217, agree on
   *  the line settings) once, then hang up. A refusal ends the run at start, in one line. */
  private async checkRemote(url: string, o: PrepareOptions): Promise<void> {
    const a = parsePortUrl(url, `${profileKey(this.profile)}.port.url`)!;
    let link: SerialLink;
    try {
      link = await openRemotePort(a, { baudRate: this.profile.baudRate, description: this.who, signal: o.signal });
    } catch (e) {
      throw portError((e as Error).message, this.profile.port!, this.who, e);
    }
    await link.close();
  }

  async start(options: TargetStartOptions = {}): Promise<ByteLink> {
    await this.stop();
    await this.prepare({ signal: options.signal });
    const { link, port } = await openBoardPort(this.profile.port!, {
      ...this.lookup,
      baudRate: this.profile.baudRate,
      timeoutMs: this.profile.enumerationTimeoutMs,
      signal: options.signal,
      target: this.who,
    });
    this.resolved = port;
    this.link = link;
    try {
      await link.discardInput().catch(() => undefined);
      this.stale = await link.drainStale(STALE_QUIET_MS, STALE_MAX_MS);
      this.reset = await resetBoard(this.profile.reset, {
        link,
        flasher: this.flasher,
        pulseMs: this.profile.resetPulseMs,
        power: this.profile.powerCycle ? () => this.powerCycle(options.signal) : null,
        signal: options.signal,
        target: this.description,
      });
    } catch (e) {
      await this.stop();
      if (e instanceof HarnessError) throw e;
      throw new HarnessError('TARGET', `${this.description}: reset failed: ${(e as Error).message}`, { port: port.path }, { cause: e });
    }
    return link;
  }

  /** Run the profile's power-cycle command (a labgrid place's `power cycle`). */
  private async powerCycle(signal?: AbortSignal): Promise<{ output: readonly string[] }> {
    const r = await runTool({ argv: this.profile.powerCycle!, timeoutMs: 60_000, signal });
    if (r.code !== 0) throw new HarnessError('TARGET', `${this.description}: power cycle (${this.profile.powerCycle!.join(' ')}) ${describeToolEnd(r, 60_000)}: ${outputTail(r.output)}`, { target: this.who });
    return { output: r.output };
  }

  async stop(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    if (link) await link.close();
  }
}
