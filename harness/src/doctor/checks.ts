/**
 * What `hil doctor` checks, and the verdict logic (pure): each check has a probe result and says
 * exactly what to install when something is missing.
 */

export type CheckStatus = 'ok' | 'missing' | 'warn';

export interface ProbeResult {
  readonly found: boolean;
  readonly version?: string;
  readonly detail?: string;
}

export interface CheckSpec {
  readonly name: string;
  readonly why: string;
  /** Debian package providing it (apt-get install ...). */
  readonly debian?: string;
  /** Needed for the default quick start (emulator regression) or only for some features. */
  readonly required: boolean;
}

export interface CheckResult extends CheckSpec {
  readonly status: CheckStatus;
  readonly version: string | null;
  readonly detail: string | null;
}

export const COMMAND_CHECKS: ReadonlyArray<CheckSpec & { readonly command: string; readonly args: readonly string[] }> = [
  { name: 'qemu-system-arm', command: 'qemu-system-arm', args: ['--version'], debian: 'qemu-system-arm', required: true, why: 'runs the firmware on an emulated Cortex-M4 (--target qemu)' },
  { name: 'arm-none-eabi-gcc', command: 'arm-none-eabi-gcc', args: ['--version'], debian: 'gcc-arm-none-eabi libnewlib-arm-none-eabi', required: true, why: 'builds the Cortex-M4 firmware images' },
  { name: 'qemu-system-riscv32', command: 'qemu-system-riscv32', args: ['--version'], debian: 'qemu-system-misc', required: false, why: 'runs the RISC-V port (--target qemu-rv32)' },
  { name: 'riscv64-unknown-elf-gcc', command: 'riscv64-unknown-elf-gcc', args: ['--version'], debian: 'gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf', required: false, why: 'builds the RISC-V images (firmware/boards/qemu-riscv32)' },
  { name: 'cc (host C compiler)', command: 'cc', args: ['--version'], debian: 'gcc', required: true, why: 'builds the host simulator and the C unit tests' },
  { name: 'make', command: 'make', args: ['--version'], debian: 'make', required: true, why: 'builds the firmware' },
  { name: 'gdb-multiarch', command: 'gdb-multiarch', args: ['--version'], debian: 'gdb-multiarch', required: false, why: 'flashes boards through a GDB server (flasher "gdb")' },
  { name: 'chromium', command: 'chromium', args: ['--version'], debian: 'chromium', required: false, why: 'the HTML report rendering test' },
  { name: 'clang', command: 'clang', args: ['--version'], debian: 'clang', required: false, why: 'fuzzing the protocol agent (libFuzzer)' },
];

export function judge(spec: CheckSpec, probe: ProbeResult): CheckResult {
  return {
    ...spec,
    status: probe.found ? 'ok' : spec.required ? 'missing' : 'warn',
    version: probe.version ?? null,
    detail: probe.detail ?? null,
  };
}

/** Node >= 20 is required. */
export function judgeNode(version: string): CheckResult {
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
  return {
    name: 'node',
    why: 'runs the harness',
    required: true,
    status: major >= 20 ? 'ok' : 'missing',
    version,
    detail: major >= 20 ? null : `hil needs Node >= 20, found ${version}`,
  };
}

export function formatDoctor(results: readonly CheckResult[]): { text: string; ok: boolean } {
  const mark = { ok: 'ok  ', missing: 'MISS', warn: 'warn' } as const;
  const lines = results.map((r) => {
    const v = r.version ? ` (${r.version})` : '';
    const extra = r.detail ? ` — ${r.detail}` : '';
    return `[${mark[r.status]}] ${r.name}${v}: ${r.why}${extra}`;
  });
  const toInstall = [...new Set(results.filter((r) => r.status !== 'ok' && r.debian).flatMap((r) => r.debian!.split(' ')))];
  if (toInstall.length) lines.push('', `To install what is missing (Debian 12): sudo apt-get install ${toInstall.join(' ')}`);
  const ok = results.every((r) => r.status !== 'missing');
  lines.push('', ok ? 'hil is ready.' : 'hil cannot run its default job until the MISS items are installed.');
  return { text: lines.join('\n'), ok };
}
