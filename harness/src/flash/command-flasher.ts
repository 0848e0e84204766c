/**
 * `command` flasher: the tool the lab already uses (OpenOCD, pyOCD, probe-rs, st-flash, nrfjprog,
 * ...) as an argv template, run without a shell. Placeholders, replaced inside any argument:
 * `{elf}` `{bin}` `{hex}` (image paths; `.bin`/`.hex` made with objcopy when there is no
 * up-to-date file next to the ELF), `{port}` (the board's serial port) and `{baud}`. Other braces
 * are left alone, so Tcl snippets such as OpenOCD's `-c "program {elf} verify reset exit"` work.
 * Success is exit status 0; `resetArgv`, when given, is the reset used by reset method `flasher`.
 */
import { HarnessError } from '../core/errors.ts';
import type { FlashRecord } from '../core/board-record.ts';
import { firmwareImages, type ImageForm } from './firmware-images.ts';
import { DEFAULT_FLASH_TIMEOUT_MS, type FlashContext, type Flasher, type FlasherResetResult } from './flasher.ts';
import { describeToolEnd, outputTail, runTool } from './run-tool.ts';

export const PLACEHOLDERS = ['elf', 'bin', 'hex', 'port', 'baud'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER_RE = /\{(elf|bin|hex|port|baud)\}/g;

export interface CommandFlasherOptions {
  readonly firmware: string;
  readonly argv: readonly string[];
  readonly resetArgv?: readonly string[];
  readonly timeoutMs?: number;
  readonly objcopy?: string;
  /** Config key for messages, e.g. `targets.bench.flasher`. */
  readonly where?: string;
}

/** Placeholders a template uses. Pure. */
export function placeholdersIn(template: readonly string[]): Set<Placeholder> {
  const used = new Set<Placeholder>();
  for (const arg of template) for (const m of arg.matchAll(PLACEHOLDER_RE)) used.add(m[1] as Placeholder);
  return used;
}

/** Replace the placeholders of a template; a value that is missing is a CONFIG error. Pure. */
export function expandTemplate(template: readonly string[], values: Readonly<Partial<Record<Placeholder, string>>>, where: string): string[] {
  return template.map((arg, i) =>
    arg.replace(PLACEHOLDER_RE, (_, name: Placeholder) => {
      const v = values[name];
      if (v === undefined) {
        const why = name === 'port' || name === 'baud' ? 'the profile has no serial port' : `no ${name} image`;
        throw new HarnessError('CONFIG', `${where}[${i}]: {${name}} cannot be filled in (${why})`, { key: `${where}[${i}]` });
      }
      return v;
    }),
  );
}

export function createCommandFlasher(o: CommandFlasherOptions): Flasher {
  const where = o.where ?? 'flasher';
  const timeoutMs = o.timeoutMs ?? DEFAULT_FLASH_TIMEOUT_MS;
  if (o.argv.length === 0 || !o.argv[0]) {
    throw new HarnessError('CONFIG', `${where}.argv: a command flasher needs a non-empty argv template, e.g. ["st-flash", "--reset", "write", "{bin}", "0x08000000"]`, { key: `${where}.argv` });
  }

  async function run(template: readonly string[], key: string, ctx: FlashContext, what: string) {
    const used = placeholdersIn(template);
    const forms = new Set([...used].filter((p): p is ImageForm => p === 'elf' || p === 'bin' || p === 'hex'));
    const images = await firmwareImages(o.firmware, forms, { objcopy: o.objcopy, signal: ctx.signal });
    try {
      const argv = expandTemplate(
        template,
        {
          ...images.paths,
          ...(ctx.port ? { port: ctx.port } : {}),
          ...(ctx.port && ctx.baudRate ? { baud: String(ctx.baudRate) } : {}),
        },
        key,
      );
      const r = await runTool({ argv, timeoutMs, signal: ctx.signal });
      const info = { key, file: o.firmware, flasherOutput: r.output.slice(-40).join('\n') };
      if (r.aborted) throw new HarnessError('INTERRUPTED', `${what} with ${argv[0]} was interrupted`, info);
      if (r.code !== 0) {
        const notFound = r.spawnError?.code === 'ENOENT' ? ` (${argv[0]} not found on PATH)` : '';
        throw new HarnessError('TARGET', `${what} failed: ${argv[0]} ${describeToolEnd(r, timeoutMs)}${notFound}; output: ${outputTail(r.output)}`, info);
      }
      return r;
    } finally {
      images.dispose();
    }
  }

  return {
    type: 'command',
    description: `command ${o.argv[0]!}`,
    async flash(ctx: FlashContext = {}): Promise<FlashRecord> {
      const r = await run(o.argv, `${where}.argv`, ctx, `flashing ${o.firmware}`);
      return {
        type: 'command',
        tool: r.argv[0]!,
        argv: r.argv,
        server: null,
        image: o.firmware,
        verified: null,
        loadedBytes: null,
        elapsedMs: r.elapsedMs,
        output: r.output,
      };
    },
    reset: o.resetArgv?.length
      ? async (ctx: FlashContext = {}): Promise<FlasherResetResult> => {
          const r = await run(o.resetArgv!, `${where}.resetArgv`, ctx, 'resetting the board');
          return { argv: r.argv, elapsedMs: r.elapsedMs, output: r.output };
        }
      : null,
  };
}
