/**
 * The harness API for user-written specs: connect to a target described by a profile (the same
 * resolution as `hil run`: options > hil.config.json > built-in defaults), process audio, and get
 * back the measurements the chai plugin asserts on.
 *
 *   const dut = await connect({ target: 'qemu' });
 *   const r = await dut.process('vectors/smoke/tone-1k.wav');
 *   expect(r.output).to.be.bitExactWith(await readGolden('vectors/smoke/golden/tone-1k.wav'));
 *   expect(r).to.meetRealTime();
 *   await dut.close();
 */
import type { TargetProfile } from '../config/config-types.ts';
import { loadConfig } from '../config/load-config.ts';
import { resolveConfig, type CliOverrides } from '../config/resolve-config.ts';
import { readWav, requireMono16 } from '../dsp/wav.ts';
import type { DeviceInfo } from '../protocol/device-info.ts';
import { explainTargetDeath } from '../runner/open-session.ts';
import { Session } from '../session/session.ts';
import { createProfileTarget } from '../targets/create-target.ts';
import type { Target } from '../targets/target.ts';

export interface ConnectOptions extends CliOverrides {
  readonly config?: string;
  readonly window?: number;
}

export interface Processed {
  readonly input: Int16Array;
  readonly output: Int16Array;
  /** Per-frame counts in the unit of `info.counter`. */
  readonly counts: Uint32Array;
  readonly info: DeviceInfo;
  readonly profile: TargetProfile;
}

export interface Device {
  readonly info: DeviceInfo;
  readonly profile: TargetProfile;
  readonly session: Session;
  /** Set parameters (real units), reset the model, stream the audio (samples or a WAV path). */
  process(audio: Int16Array | string, params?: Readonly<Record<string, number>>): Promise<Processed>;
  close(): Promise<void>;
}

export async function readGolden(path: string, rate = 16000): Promise<Int16Array> {
  const wav = await readWav(path);
  requireMono16(wav, { rate }, path);
  return wav.samples;
}

export async function connect(options: ConnectOptions = {}): Promise<Device> {
  const cfgFile = loadConfig(options.config);
  const { profile } = resolveConfig(cfgFile.file, cfgFile.path, options);
  const target: Target = createProfileTarget(profile);
  let session: Session;
  try {
    const link = await target.start();
    session = await Session.open(link, { target: target.description, window: options.window ?? 8, handshakeTimeoutMs: profile.handshakeTimeoutMs });
  } catch (e) {
    const err = await explainTargetDeath(target, e);
    await target.stop();
    throw err;
  }
  return {
    info: session.info,
    profile,
    session,
    async process(audio, params = {}) {
      const input = typeof audio === 'string' ? await readGolden(audio, session.info.rate) : audio;
      for (const [k, v] of Object.entries({ ...profile.params, ...params })) await session.setParam(k, v);
      await session.reset();
      const r = await session.stream(input);
      return { input, output: r.output, counts: r.cycles, info: session.info, profile };
    },
    async close() {
      await session.close().catch(() => undefined);
      await target.stop();
    },
  };
}
