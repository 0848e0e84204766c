/**
 * `hil init`, the pure part: which files a new project gets and what they hold, from the templates
 * (harness/templates/init/), the agent's C sources and a few names. No I/O: write-scaffold.ts
 * reads the inputs and writes the result.
 *
 * The project: hil.config.json (with `$schema`), one vector suite (vectors/smoke: a manifest with
 * one seeded case), and firmware/: the protocol agent copied into firmware/hil/, a pass-through
 * model adapter (hil_model.h) and a host-sim board port (hil_port.h) with a Makefile.
 */
import { HarnessError } from '../core/errors.ts';
import { Prng } from '../core/prng.ts';

export interface ScaffoldFile {
  /** relative to the project folder, with forward slashes */
  readonly path: string;
  readonly content: string | Uint8Array;
}

export interface ScaffoldInput {
  readonly hilVersion: string;
  /** model id, [a-z][a-z0-9-]* (the image is firmware/build/hil-sim-<id>) */
  readonly modelId: string;
  /** `$schema` of hil.config.json and of the manifest, relative to the file that names it */
  readonly configSchema: string;
  readonly manifestSchema: string;
  /** template files by relative path (MODEL_FILE in a name is replaced, `gitignore` becomes `.gitignore`) */
  readonly templates: ReadonlyMap<string, string>;
  /** the agent's sources (hil_agent.c, hil_port.h, ...) by file name */
  readonly agentSources: ReadonlyMap<string, string>;
  /** WAV encoder (dsp/wav.ts encodeWav), passed in to keep this module free of codecs */
  readonly encodeWav: (samples: Int16Array, rate: number) => Uint8Array;
}

export const SKELETON_SEED = 20261206;
export const SKELETON_RATE = 16000;
const CASE = 'tone-in-noise';

export function checkModelId(id: string): void {
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(id)) {
    throw new HarnessError('USAGE', `--model ${JSON.stringify(id)}: expected a lower-case id of letters, digits and -, starting with a letter (e.g. my-denoiser)`, { key: 'model' });
  }
}

/** 1 s of a 440 Hz tone at -12 dBFS in seeded white noise at about -40 dBFS. */
export function skeletonSignal(seed = SKELETON_SEED, rate = SKELETON_RATE): Int16Array {
  const rng = new Prng(seed);
  const out = new Int16Array(rate);
  for (let i = 0; i < out.length; i++) {
    const tone = 8231 * Math.sin((2 * Math.PI * 440 * i) / rate);
    out[i] = Math.round(tone + (rng.next() * 2 - 1) * 570);
  }
  return out;
}

function fill(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

export function planScaffold(input: ScaffoldInput): ScaffoldFile[] {
  checkModelId(input.modelId);
  const modelFile = input.modelId.replace(/-/g, '_');
  const vars = { HIL_VERSION: input.hilVersion, MODEL_ID: input.modelId, MODEL_FILE: modelFile };
  const image = `firmware/build/hil-sim-${input.modelId}`;
  const files: ScaffoldFile[] = [];

  const config = {
    $schema: input.configSchema,
    defaults: { target: 'sim', suites: ['smoke'] },
    targets: {
      sim: { kind: 'sim', description: `host-native build of firmware/ (make -C firmware), model ${input.modelId}`, firmware: image },
    },
  };
  files.push({ path: 'hil.config.json', content: `${JSON.stringify(config, null, 2)}\n` });

  const manifest = {
    $schema: input.manifestSchema,
    suite: 'smoke',
    description: 'Skeleton suite made by hil init: one seeded case. Add your own cases (16-bit mono WAV) here.',
    generatedBy: `hil init (hil ${input.hilVersion}, seed ${SKELETON_SEED})`,
    cases: [
      {
        name: CASE,
        input: `${CASE}.wav`,
        golden: `golden/${CASE}.wav`,
        tolerance: { mode: 'bit-exact' },
        tags: ['smoke'],
        description: '440 Hz at -12 dBFS in white noise at about -40 dBFS, 1 s, 16 kHz',
      },
    ],
  };
  files.push({ path: 'vectors/smoke/manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` });
  files.push({ path: `vectors/smoke/${CASE}.wav`, content: input.encodeWav(skeletonSignal(), SKELETON_RATE) });

  for (const [rel, text] of [...input.templates].sort(([a], [b]) => a.localeCompare(b))) {
    const name = rel.replace('MODEL_FILE', modelFile).replace(/(^|\/)gitignore$/, '$1.gitignore');
    files.push({ path: name, content: fill(text, vars) });
  }
  const agentNames = [...input.agentSources.keys()].sort();
  for (const name of agentNames) files.push({ path: `firmware/hil/${name}`, content: input.agentSources.get(name)! });
  files.push({
    path: 'firmware/hil/README.md',
    content:
      `# hil protocol agent (copied)\n\nCopied from hil ${input.hilVersion} by \`hil init\`: ${agentNames.join(', ')}. ` +
      'Do not edit these files; to update, copy them again from `node_modules/hil/firmware/agent/` of a newer hil. ' +
      'The protocol they speak is described in `node_modules/hil/firmware/agent/PROTOCOL.md`; ' +
      'how to bring your model and board to them, in `node_modules/hil/firmware/PORTING.md`.\n',
  });
  return files;
}
