/**
 * Resolve the effective configuration: command line > hil.config.json > built-in defaults. Pure:
 * the file is already parsed and validated.
 */
import path from 'node:path';

import { HarnessError } from '../core/errors.ts';
import { projectDir, projectPaths } from '../core/paths.ts';
import type { TargetKind } from '../targets/target.ts';
import { linkFromImageName } from '../targets/qemu/qemu-target.ts';
import { BUILTIN_TARGETS, builtinProfile, builtinQemuImage, builtinTarget } from './builtin-profiles.ts';
import type { HilConfigFile, LinkKind, TargetProfile, TargetProfileFile } from './config-types.ts';

export interface CliOverrides {
  readonly target?: string;
  readonly firmware?: string;
  readonly model?: string;
  readonly clockHz?: number;
  readonly cpi?: number;
  readonly requiredMargin?: number;
  readonly link?: LinkKind;
  readonly port?: string;
  readonly baudRate?: number;
}

export interface RunDefaults {
  readonly suites: readonly string[];
  readonly vectorsDir: string;
  readonly reportsDir: string;
  /** where the built-in profiles' images are (firmware/build) */
  readonly firmwareBuild: string;
  readonly window: number;
  readonly jobs: number;
  readonly retries: number;
  readonly baselineThreshold: number;
  readonly params: Readonly<Record<string, number>>;
}

export interface ResolvedConfig {
  readonly file: string | null;
  /** The project folder: the config file's folder, or the working directory without one. */
  readonly root: string;
  readonly profile: TargetProfile;
  readonly defaults: RunDefaults;
}

export function resolveConfig(file: HilConfigFile | null, filePath: string | null, cli: CliOverrides): ResolvedConfig {
  const dir = projectDir(filePath);
  const abs = (p: string) => path.resolve(dir, p);
  const d = file?.defaults ?? {};
  const name = cli.target ?? d.target ?? 'qemu';
  const fromFile = file?.targets?.[name];
  const paths = projectPaths(dir, d);
  const builtin = fromFile ? null : builtinTarget(name, cli.model, paths.firmwareBuild);
  if (!fromFile && !builtin) {
    const known = [...new Set([...Object.keys(file?.targets ?? {}), ...BUILTIN_TARGETS])].join(', ');
    throw new HarnessError('CONFIG', `--target ${name}: no such target profile (known: ${known})`, { key: 'target', file: filePath ?? undefined });
  }
  const kind: TargetKind = fromFile?.kind ?? builtin!.kind;
  const base = builtin ?? builtinProfile(kind, name, cli.model, paths.firmwareBuild);
  // the built-in ARM QEMU images exist per link; the other built-in images (qemu-rv32) have one
  const perLinkImages = kind === 'qemu' && base.qemu.binary === 'qemu-system-arm';
  if (builtin && !perLinkImages && kind === 'qemu' && cli.link === 'uart' && !cli.firmware) {
    throw new HarnessError('USAGE', `--link uart: target ${name} has a semihosting link only`, { key: 'link' });
  }
  const f = fromFile ?? { kind };
  const firmware = cli.firmware ? path.resolve(cli.firmware) : f.firmware ? abs(f.firmware) : null;
  // QEMU images are built per link: an explicit link picks the built-in image for it, an explicit
  // image without a link implies the link it was built for (`...-uart.elf` -> uart).
  const link = cli.link ?? f.link ?? (kind === 'qemu' && firmware ? linkFromImageName(firmware) : base.link);
  // A calibrated CPI (hil calibrate) is the profile's default; --cpi or an edited `cpi` overrides
  // it, and then the calibration no longer describes the figure in use.
  const cpi = cli.cpi ?? f.cpi ?? f.cpiCalibration?.cpi ?? base.cpi;
  const profile: TargetProfile = {
    ...base,
    description: f.description ?? base.description,
    firmware: firmware ?? (perLinkImages ? builtinQemuImage(cli.model, link, paths.firmwareBuild) : base.firmware),
    clockHz: cli.clockHz ?? f.clockHz ?? base.clockHz,
    cpi,
    cpiCalibration: f.cpiCalibration && f.cpiCalibration.cpi === cpi ? f.cpiCalibration : null,
    requiredMargin: cli.requiredMargin ?? f.requiredMargin ?? base.requiredMargin,
    budgets: { flashBytes: f.budgets?.flashBytes ?? base.budgets.flashBytes, ramBytes: f.budgets?.ramBytes ?? base.budgets.ramBytes },
    link,
    qemu: { ...base.qemu, ...f.qemu },
    port: cli.port ? (/^[a-z0-9]+:\/\//i.test(cli.port) ? { url: cli.port } : { path: cli.port }) : (f.port ?? base.port),
    baudRate: cli.baudRate ?? f.baudRate ?? base.baudRate,
    flasher: f.flasher ?? base.flasher,
    reset: f.reset ?? base.reset,
    counter: f.counter ?? base.counter,
    enumerationTimeoutMs: f.enumerationTimeoutMs ?? base.enumerationTimeoutMs,
    resetPulseMs: f.resetPulseMs ?? base.resetPulseMs,
    handshakeTimeoutMs: f.handshakeTimeoutMs ?? base.handshakeTimeoutMs,
    params: { ...(d.params ?? {}), ...(f.params ?? {}) },
    ...(f.labgrid ? { labgrid: f.labgrid } : {}),
  };
  const defaults: RunDefaults = {
    suites: d.suites ?? ['smoke', 'speech', 'heldout', 'edge'],
    vectorsDir: paths.vectors,
    reportsDir: paths.reports,
    firmwareBuild: paths.firmwareBuild,
    window: d.window ?? 8,
    jobs: d.jobs ?? 1,
    retries: d.retries ?? 1,
    baselineThreshold: d.baselineThreshold ?? 0.05,
    params: d.params ?? {},
  };
  return { file: filePath, root: dir, profile: withPoolMembers(profile, f, file, filePath, cli), defaults };
}

/** A pool profile gets its members resolved like `--target <member>` (the run's --firmware and
 *  timing flags apply to each; --port does not: every board keeps its own). */
function withPoolMembers(profile: TargetProfile, f: TargetProfileFile, file: HilConfigFile | null, filePath: string | null, cli: CliOverrides): TargetProfile {
  if (!f.pool) return profile;
  const key = `targets.${profile.name}.pool`;
  if (profile.kind !== 'board') throw new HarnessError('CONFIG', `${key}: only a board profile can be a pool (this one is ${profile.kind})`, { key, file: filePath ?? undefined });
  if (cli.port) throw new HarnessError('USAGE', `--port: target ${profile.name} is a pool of boards, each with its own port (${f.pool.join(', ')})`, { key: 'port' });
  const members = f.pool.map((name, i) => {
    const m = file?.targets?.[name];
    if (!m) throw new HarnessError('CONFIG', `${key}[${i}]: "${name}" is not a target profile of this file (known: ${Object.keys(file?.targets ?? {}).join(', ')})`, { key: `${key}[${i}]`, file: filePath ?? undefined });
    if (m.kind !== 'board' || m.pool) throw new HarnessError('CONFIG', `${key}[${i}]: "${name}" is ${m.pool ? 'a pool itself' : `a ${m.kind} profile`}; a pool lists board profiles`, { key: `${key}[${i}]`, file: filePath ?? undefined });
    return resolveConfig(file, filePath, { ...cli, target: name }).profile;
  });
  return { ...profile, members };
}
