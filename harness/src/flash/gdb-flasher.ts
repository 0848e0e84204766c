/**
 * `gdb` flasher: load the ELF through any GDB server speaking GDB RSP (OpenOCD, pyOCD, J-Link GDB
 * server, Black Magic Probe, QEMU's gdbstub) with `gdb-multiarch` or `arm-none-eabi-gdb`:
 * connect, load, verify (compare-sections), reset, detach.
 *
 * The commands go into a script run with `gdb -batch -nx -x SCRIPT ELF` rather than as `-ex`
 * arguments: in batch mode gdb carries on after a failing `-ex` and exits 0, whereas an error in a
 * sourced script stops it with a non-zero status. `echo` markers name the stage reached, so a
 * failure says whether it happened connecting, loading, verifying or resetting.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import type { FlashRecord } from '../core/board-record.ts';
import { firstExecutable } from './find-executable.ts';
import { firmwareImages } from './firmware-images.ts';
import { DEFAULT_FLASH_TIMEOUT_MS, type FlashContext, type Flasher, type FlasherResetResult } from './flasher.ts';
import { describeToolEnd, outputTail, runTool, type ToolRun } from './run-tool.ts';

export const GDB_CANDIDATES = ['gdb-multiarch', 'arm-none-eabi-gdb'] as const;
export const DEFAULT_GDB_RESET = ['monitor reset'] as const;

export interface GdbFlasherOptions {
  /** The ELF to load. */
  readonly firmware: string;
  /** GDB server: `host:port`, or a serial device for a Black Magic Probe. */
  readonly server: string;
  /** gdb executable; default the first of gdb-multiarch, arm-none-eabi-gdb on PATH. */
  readonly gdb?: string;
  /** `target extended-remote` instead of `target remote`. */
  readonly extendedRemote?: boolean;
  /** gdb commands after connecting, before `load` (e.g. `monitor reset halt`). */
  readonly beforeLoad?: readonly string[];
  /** gdb commands that reset the target (default `monitor reset`; QEMU: `monitor system_reset`). */
  readonly resetCommands?: readonly string[];
  /** Compare the loaded sections with the ELF (default true). */
  readonly verify?: boolean;
  readonly timeoutMs?: number;
  /** Config key for messages, e.g. `targets.bench.flasher`. */
  readonly where?: string;
}

export type GdbStage = 'connected' | 'prepared' | 'loaded' | 'verified' | 'reset' | 'detached';
const MARK = '[hil] ';

/**
 * The values that go into the gdb script must each stay one script line: a newline in, say, the
 * server address would smuggle in further gdb commands (`shell ...` among them). Config values
 * are data, never extra commands.
 */
function checkOneLine(o: GdbFlasherOptions, where: string): void {
  const lines: Array<[string, string]> = [
    ['server', o.server],
    ...(o.beforeLoad ?? []).map((c, i): [string, string] => [`beforeLoad[${i}]`, c]),
    ...(o.resetCommands ?? []).map((c, i): [string, string] => [`resetCommands[${i}]`, c]),
  ];
  for (const [key, v] of lines) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(v)) {
      throw new HarnessError('CONFIG', `${where}.${key}: ${JSON.stringify(v)} contains a line break or control character; each value is one gdb command line`, { key: `${where}.${key}` });
    }
  }
}

/** The gdb script of a flash (`load`) or of a reset only. Pure. */
export function gdbScript(kind: 'flash' | 'reset', o: GdbFlasherOptions): string {
  const mark = (s: GdbStage): string => `echo ${MARK}${s}\\n`;
  const lines = [
    'set confirm off',
    'set pagination off',
    'set height 0',
    'set width 0',
    'set tcp auto-retry off',
    `target ${o.extendedRemote ? 'extended-remote' : 'remote'} ${o.server}`,
    mark('connected'),
    ...(o.beforeLoad ?? []),
    mark('prepared'),
  ];
  if (kind === 'flash') {
    lines.push('load', mark('loaded'));
    if (o.verify !== false) lines.push('compare-sections', mark('verified'));
  }
  lines.push(...(o.resetCommands ?? DEFAULT_GDB_RESET), mark('reset'), 'detach', mark('detached'));
  return `${lines.join('\n')}\n`;
}

export interface GdbOutcome {
  readonly stages: ReadonlySet<GdbStage>;
  readonly loadedBytes: number | null;
  /** Sections compare-sections found different. */
  readonly mismatched: readonly string[];
  /** Sections compare-sections found equal. */
  readonly matched: number;
}

/** Read gdb's batch output. Pure. */
export function parseGdbOutput(output: readonly string[]): GdbOutcome {
  const stages = new Set<GdbStage>();
  let loadedBytes: number | null = null;
  const mismatched: string[] = [];
  let matched = 0;
  for (const line of output) {
    const at = line.indexOf(MARK);
    if (at >= 0) stages.add(line.slice(at + MARK.length).trim() as GdbStage);
    const load = /load size (\d+)/.exec(line);
    if (load) loadedBytes = Number(load[1]);
    const section = /^Section (\S+), range .*: (matched|MIS-MATCHED)/.exec(line.trim());
    if (section?.[2] === 'matched') matched++;
    else if (section) mismatched.push(section[1]!);
    if (/does not match the loaded file/.test(line) && mismatched.length === 0) mismatched.push('(unnamed)');
  }
  return { stages, loadedBytes, mismatched, matched };
}

const STAGE_WORDS: Record<GdbStage | 'start', string> = {
  start: 'connecting to',
  connected: 'preparing the target behind',
  prepared: 'loading the image through',
  loaded: 'verifying the image through',
  verified: 'resetting the target behind',
  reset: 'detaching from',
  detached: 'finishing with',
};

function lastStage(stages: ReadonlySet<GdbStage>): GdbStage | 'start' {
  const order: GdbStage[] = ['detached', 'reset', 'verified', 'loaded', 'prepared', 'connected'];
  return order.find((s) => stages.has(s)) ?? 'start';
}

export function createGdbFlasher(o: GdbFlasherOptions): Flasher {
  const where = o.where ?? 'flasher';
  checkOneLine(o, where);
  const timeoutMs = o.timeoutMs ?? DEFAULT_FLASH_TIMEOUT_MS;
  const gdbName = (): string => {
    const gdb = o.gdb ?? firstExecutable(GDB_CANDIDATES);
    if (!gdb) {
      throw new HarnessError('TARGET', `${where}: no gdb found (looked for ${GDB_CANDIDATES.join(', ')} on PATH; apt-get install gdb-multiarch, or set ${where}.gdb)`, { key: `${where}.gdb` });
    }
    return gdb;
  };

  async function runScript(kind: 'flash' | 'reset', ctx: FlashContext): Promise<{ run: ToolRun; outcome: GdbOutcome; gdb: string }> {
    (await firmwareImages(o.firmware, new Set(['elf']))).dispose(); // exists and is an ELF
    const gdb = gdbName();
    const dir = mkdtempSync(path.join(tmpdir(), 'hil-gdb-'));
    try {
      const script = path.join(dir, `${kind}.gdb`);
      writeFileSync(script, gdbScript(kind, o));
      const run = await runTool({ argv: [gdb, '-batch', '-nx', '-x', script, o.firmware], timeoutMs, signal: ctx.signal });
      const outcome = parseGdbOutput(run.output);
      const what = kind === 'flash' ? `flashing ${o.firmware}` : 'resetting the board';
      const ctxInfo = { key: where, file: o.firmware, server: o.server, flasherOutput: run.output.slice(-40).join('\n') };
      if (run.aborted) throw new HarnessError('INTERRUPTED', `${what} with ${gdb} was interrupted`, ctxInfo);
      if (run.code !== 0 || !outcome.stages.has('detached')) {
        const notFound = run.spawnError?.code === 'ENOENT' ? ` (${gdb} not found: apt-get install gdb-multiarch, or set ${where}.gdb)` : '';
        throw new HarnessError(
          'TARGET',
          `${what} failed: ${gdb} ${describeToolEnd(run, timeoutMs)}${notFound} while ${STAGE_WORDS[lastStage(outcome.stages)]} the GDB server ${o.server}; gdb output: ${outputTail(run.output)}`,
          ctxInfo,
        );
      }
      if (kind === 'flash' && o.verify !== false && (outcome.mismatched.length > 0 || outcome.matched === 0)) {
        const why = outcome.mismatched.length > 0 ? `sections ${outcome.mismatched.join(', ')} differ from the ELF` : 'compare-sections reported no section';
        throw new HarnessError('TARGET', `flashing ${o.firmware} through ${o.server}: verify failed: ${why}; gdb output: ${outputTail(run.output)}`, ctxInfo);
      }
      return { run, outcome, gdb };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  return {
    type: 'gdb',
    description: `gdb via ${o.server}`,
    async flash(ctx: FlashContext = {}): Promise<FlashRecord> {
      const { run, outcome, gdb } = await runScript('flash', ctx);
      return {
        type: 'gdb',
        tool: gdb,
        argv: run.argv,
        server: o.server,
        image: o.firmware,
        script: gdbScript('flash', o).trimEnd().split('\n'),
        verified: o.verify === false ? null : true,
        loadedBytes: outcome.loadedBytes,
        elapsedMs: run.elapsedMs,
        output: run.output,
      };
    },
    async reset(ctx: FlashContext = {}): Promise<FlasherResetResult> {
      const { run } = await runScript('reset', ctx);
      return { argv: run.argv, elapsedMs: run.elapsedMs, output: run.output };
    },
  };
}
