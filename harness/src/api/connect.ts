/**
 * The harness API for user-written specs: connect to a target described by a profile (the same
 * resolution as `hil run`: options > hil.config.json > built-in defaults), process audio, and get
 * back the measurements the chai plugin asserts on.
 *
 *   const dut = await connect({ target: 'qemu' });
 *   const r = await dut.process('vectors/smoke/tone-1k.wav', { input_gain_db: -6 });
 *   expect(r).to.meetRealTime();
 *   const c = await dut.processCase('smoke/tone-1k');      // input, golden and tolerance from the manifest
 *   expect(c).to.matchGolden();
 *   await dut.close();
 *
 * Every process() starts from a clean model: all parameters are set (the ones not given go back
 * to the device's defaults) and the streaming state is reset, exactly as `hil run` does per case.
 */
import type { ToleranceSpec } from '../assertions/verdict.ts';
import type { TargetProfile } from '../config/config-types.ts';
import { loadConfig } from '../config/load-config.ts';
import { resolveConfig, type CliOverrides } from '../config/resolve-config.ts';
import { HarnessError } from '../core/errors.ts';
import { readWav, requireMono16 } from '../dsp/wav.ts';
import type { DeviceInfo } from '../protocol/device-info.ts';
import { applyAllParams } from '../runner/apply-params.ts';
import type { RunnableCase } from '../runner/case-spec.ts';
import { explainTargetDeath } from '../runner/open-session.ts';
import { profileLinkRate } from '../runner/link-rate.ts';
import { loadSuites } from '../runner/suites.ts';
import { Session } from '../session/session.ts';
import { createProfileTarget } from '../targets/create-target.ts';
import type { Target } from '../targets/target.ts';

export interface ConnectOptions extends CliOverrides {
  /** hil.config.json to read (default: ./hil.config.json if present). */
  readonly config?: string;
  /** Frames kept in flight (default 8, capped by the device's window). */
  readonly window?: number;
}

export interface Processed {
  readonly input: Int16Array;
  readonly output: Int16Array;
  /** Per-frame counts in the unit of `info.counter` (instructions on qemu, 0 on sim). */
  readonly counts: Uint32Array;
  readonly frames: number;
  /** Every parameter's value during this stream (device-rounded), defaults included. */
  readonly params: Readonly<Record<string, number>>;
  readonly wallMs: number;
  readonly info: DeviceInfo;
  readonly profile: TargetProfile;
}

/** A manifest case processed: also carries its golden output and declared tolerance. */
export interface ProcessedCase extends Processed {
  readonly case: RunnableCase;
  readonly golden: Int16Array;
  readonly tolerance: ToleranceSpec;
}

export interface Device {
  readonly info: DeviceInfo;
  readonly profile: TargetProfile;
  readonly session: Session;
  /** Set parameters (real units; the others to their defaults), reset the model, stream the
   *  audio (samples, or a WAV path relative to the working directory). */
  process(audio: Int16Array | string, params?: Readonly<Record<string, number>>): Promise<Processed>;
  /** Process a vector-suite case by id (`suite/name`) with its manifest parameters. */
  processCase(id: string): Promise<ProcessedCase>;
  close(): Promise<void>;
}

/** Read a mono 16-bit WAV (golden or input) at the given rate. */
export async function readGolden(path: string, rate = 16000): Promise<Int16Array> {
  const wav = await readWav(path);
  requireMono16(wav, { rate }, path);
  return wav.samples;
}

export async function connect(options: ConnectOptions = {}): Promise<Device> {
  const cfgFile = loadConfig(options.config);
  const { profile, defaults } = resolveConfig(cfgFile.file, cfgFile.path, options);
  const target: Target = createProfileTarget(profile);
  let session: Session;
  try {
    const link = await target.start();
    session = await Session.open(link, {
      target: target.description,
      window: options.window ?? 8,
      handshakeTimeoutMs: profile.handshakeTimeoutMs,
      linkRate: profileLinkRate(profile),
    });
  } catch (e) {
    const err = await explainTargetDeath(target, e);
    await target.stop();
    throw err;
  }
  const process = async (audio: Int16Array | string, params: Readonly<Record<string, number>>, what: string): Promise<Processed> => {
    const input = typeof audio === 'string' ? await readGolden(audio, session.info.rate) : audio;
    const applied = await applyAllParams(session, { ...profile.params, ...params }, what);
    await session.reset();
    const t0 = performance.now();
    const r = await session.stream(input);
    const wallMs = performance.now() - t0;
    return { input, output: r.output, counts: r.cycles, frames: r.frames, params: applied, wallMs, info: session.info, profile };
  };
  return {
    info: session.info,
    profile,
    session,
    process: (audio, params = {}) => process(audio, params, typeof audio === 'string' ? audio : 'process()'),
    async processCase(id) {
      const slash = id.indexOf('/');
      if (slash <= 0) throw new HarnessError('USAGE', `processCase(${JSON.stringify(id)}): expected a case id "suite/name", e.g. "smoke/tone-1k"`);
      const [suite] = await loadSuites(defaults.vectorsDir, [id.slice(0, slash)]);
      const c = suite!.cases.find((x) => x.id === id);
      if (!c) throw new HarnessError('INPUT', `no case ${id} in suite ${suite!.name} (has: ${suite!.cases.map((x) => x.name).join(', ')})`);
      if (!c.golden || !c.goldenExists) throw new HarnessError('INPUT', `case ${id}: golden output ${c.golden ?? '(none named)'} does not exist; create it with \`hil golden\``);
      const golden = await readGolden(c.golden, session.info.rate);
      const r = await process(c.input, c.params, `case ${id}`);
      return { ...r, case: c, golden, tolerance: c.tolerance };
    },
    async close() {
      await session.close().catch(() => undefined);
      await target.stop();
    },
  };
}
