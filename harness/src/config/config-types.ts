/** Types of hil.config.json (mirrors hil-config.schema.json) and of the resolved configuration. */
import type { TargetKind } from '../targets/target.ts';

export type LinkKind = 'semihost' | 'uart';
export type ResetMethod = 'protocol' | 'dtr' | 'rts' | 'flasher' | 'none';

export interface FlasherConfig {
  readonly type: 'gdb' | 'command' | 'none';
  readonly server?: string;
  readonly gdb?: string;
  readonly argv?: readonly string[];
  readonly timeoutMs?: number;
}

export interface PortConfig {
  readonly path?: string;
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
  readonly requiredMargin?: number;
  readonly budgets?: { readonly flashBytes?: number; readonly ramBytes?: number };
  readonly link?: LinkKind;
  readonly qemu?: { readonly binary?: string; readonly machine?: string; readonly icountShift?: number; readonly extraArgs?: readonly string[] };
  readonly port?: PortConfig;
  readonly baudRate?: number;
  readonly flasher?: FlasherConfig;
  readonly reset?: ResetMethod;
  readonly handshakeTimeoutMs?: number;
  readonly params?: Readonly<Record<string, number>>;
}

export interface HilConfigFile {
  readonly defaults?: {
    readonly target?: string;
    readonly suites?: readonly string[];
    readonly vectorsDir?: string;
    readonly reportsDir?: string;
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
  readonly requiredMargin: number;
  readonly budgets: { readonly flashBytes: number | null; readonly ramBytes: number | null };
  readonly link: LinkKind;
  readonly qemu: { readonly binary: string; readonly machine: string; readonly icountShift: number; readonly extraArgs: readonly string[] };
  readonly port: PortConfig | null;
  readonly baudRate: number;
  readonly flasher: FlasherConfig;
  readonly reset: ResetMethod;
  readonly handshakeTimeoutMs: number;
  readonly params: Readonly<Record<string, number>>;
}
