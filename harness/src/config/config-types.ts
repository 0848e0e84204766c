/** Types of hil.config.json (mirrors hil-config.schema.json) and of the resolved configuration. */
import type { CpiCalibration } from '../perf/calibrate-cpi.ts';
import type { LabgridConfig } from '../targets/board/labgrid-place.ts';
import type { CounterSource, TargetKind } from '../targets/target.ts';

export type LinkKind = 'semihost' | 'uart';
export type { ResetMethod } from '../core/board-record.ts';
import type { ResetMethod } from '../core/board-record.ts';

export interface FlasherConfig {
  readonly type: 'gdb' | 'command' | 'none';
  /** gdb: GDB server address (`host:port`, or a serial device for a Black Magic Probe). */
  readonly server?: string;
  /** gdb: executable (default: gdb-multiarch, else arm-none-eabi-gdb). */
  readonly gdb?: string;
  /** gdb: `target extended-remote` instead of `target remote`. */
  readonly extendedRemote?: boolean;
  /** gdb: commands after connecting, before `load` (e.g. `monitor reset halt`). */
  readonly beforeLoad?: readonly string[];
  /** gdb: commands that reset the target (default `monitor reset`; QEMU: `monitor system_reset`). */
  readonly resetCommands?: readonly string[];
  /** gdb: compare the loaded sections with the ELF (default true). */
  readonly verify?: boolean;
  /** command: argv template with {elf} {bin} {hex} {port} {baud}. */
  readonly argv?: readonly string[];
  /** command: argv template that resets the board (reset method `flasher`). */
  readonly resetArgv?: readonly string[];
  readonly timeoutMs?: number;
}

export interface PortConfig {
  readonly path?: string;
  /** A remote port: tcp://host:port (raw TCP, ser2net) or rfc2217://host:port (RFC 2217). */
  readonly url?: string;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly serialNumber?: string;
}

export interface TargetProfileFile {
  readonly kind: TargetKind;
  readonly description?: string;
  readonly firmware?: string;
  readonly clockHz?: number;
  readonly cpi?: number;
  /** Where `cpi` came from, written by `hil calibrate` (perf/calibrate-cpi.ts). */
  readonly cpiCalibration?: CpiCalibration;
  readonly requiredMargin?: number;
  readonly budgets?: { readonly flashBytes?: number; readonly ramBytes?: number };
  readonly link?: LinkKind;
  readonly qemu?: { readonly binary?: string; readonly machine?: string; readonly icountShift?: number; readonly extraArgs?: readonly string[] };
  readonly port?: PortConfig;
  readonly baudRate?: number;
  readonly flasher?: FlasherConfig;
  readonly reset?: ResetMethod;
  /** board: the counter source the firmware must report in its handshake. */
  readonly counter?: CounterSource;
  /** board: how long to wait for the serial port to (re)appear and open, e.g. after a flash. */
  readonly enumerationTimeoutMs?: number;
  /** board: length of the DTR/RTS reset pulse. */
  readonly resetPulseMs?: number;
  readonly handshakeTimeoutMs?: number;
  readonly params?: Readonly<Record<string, number>>;
  /** board: a pool of boards, the names of board profiles of this file, run in parallel (--jobs). */
  readonly pool?: readonly string[];
  /** board: a labgrid place to acquire; its NetworkSerialPort is the board's port. */
  readonly labgrid?: LabgridConfig;
}

export interface HilConfigFile {
  readonly defaults?: {
    readonly target?: string;
    readonly suites?: readonly string[];
    readonly vectorsDir?: string;
    readonly reportsDir?: string;
    readonly firmwareBuild?: string;
    readonly window?: number;
    readonly jobs?: number;
    readonly retries?: number;
    readonly baselineThreshold?: number;
    readonly params?: Readonly<Record<string, number>>;
  };
  readonly targets?: Readonly<Record<string, TargetProfileFile>>;
  /** Level goal of `hil tune` (flags override); null turns a constraint off. */
  readonly tune?: {
    readonly levelMetric?: 'active' | 'rms';
    readonly targetLevel?: number | null;
    readonly levelTolerance?: number;
    readonly maxPeak?: number | null;
    readonly maxClipped?: number | null;
    readonly minSnrGain?: number | null;
  };
}

/** A target profile with every default filled in and paths made absolute. */
export interface TargetProfile {
  readonly name: string;
  readonly kind: TargetKind;
  readonly description: string;
  readonly firmware: string;
  readonly clockHz: number;
  readonly cpi: number;
  /** The calibration behind `cpi`, when the profile's CPI is the calibrated one (not overridden). */
  readonly cpiCalibration: CpiCalibration | null;
  readonly requiredMargin: number;
  readonly budgets: { readonly flashBytes: number | null; readonly ramBytes: number | null };
  readonly link: LinkKind;
  readonly qemu: { readonly binary: string; readonly machine: string; readonly icountShift: number; readonly extraArgs: readonly string[] };
  readonly port: PortConfig | null;
  readonly baudRate: number;
  readonly flasher: FlasherConfig;
  readonly reset: ResetMethod;
  /** Counter source the device must report (null: whatever it reports). */
  readonly counter: CounterSource | null;
  readonly enumerationTimeoutMs: number;
  readonly resetPulseMs: number;
  readonly handshakeTimeoutMs: number;
  readonly params: Readonly<Record<string, number>>;
  /** A board pool: its member boards' profiles (each with its own port and flasher). */
  readonly members?: readonly TargetProfile[];
  /** A board in a labgrid place (its port comes from the place). */
  readonly labgrid?: LabgridConfig;
  /** The command that power-cycles the board (reset "power"; set from a labgrid place's power resource). */
  readonly powerCycle?: readonly string[];
}
