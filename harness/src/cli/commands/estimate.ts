/**
 * `hil estimate`: the evaluation step's cost model on a target. Reads the model's stage table
 * (firmware/models/<model>/stages.json: MACs, weight, state and scratch bytes and the kernels of
 * each stage), runs the kernel micro-benchmark image on the target with per-stage counts (one
 * kernel a stage), predicts each stage's count from them (perf/cost-model.ts), then runs the
 * model's image over a suite with --profile and prints prediction against measurement per stage.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';

import type { TargetProfile } from '../../config/config-types.ts';
import { DEFAULT_MODEL } from '../../config/builtin-profiles.ts';
import { parseJsonFile } from '../../config/load-config.ts';
import { HarnessError } from '../../core/errors.ts';
import { displayPath } from '../../core/paths.ts';
import { summarize } from '../../core/percentiles.ts';
import { checkFirmwareImage } from '../../firmware-image/check-image.ts';
import { estimateStages, kernelCosts, parseStageTable, type KernelCosts, type StageEstimate, type StageTable } from '../../perf/cost-model.ts';
import { applyAllParams } from '../../runner/apply-params.ts';
import { loadCaseInput } from '../../runner/measure-case.ts';
import { withSession } from '../../runner/open-session.ts';
import { loadSuites } from '../../runner/suites.ts';
import type { Session } from '../../session/session.ts';
import { createProfileTarget } from '../../targets/create-target.ts';
import { configFromArgs, withTargetOptions, type TargetArgs } from '../common-options.ts';
import { runHandler } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';

interface EstimateArgs extends TargetArgs {
  stages?: string;
  kernels?: string;
  suite: string;
  path?: 'dsp' | 'ref';
  json: boolean;
  'max-error'?: number;
}

/** Median count per stage name over every frame streamed with profiling on. */
async function profileMedians(s: Session, inputs: ReadonlyArray<{ input: Int16Array; params: Record<string, number>; id: string }>): Promise<Map<string, number>> {
  const names = s.info.stages;
  if (!names?.length) throw new HarnessError('INPUT', `${s.target}: model ${s.info.model} declares no stages (INFO has no "stages"): nothing to estimate per stage`);
  if (s.info.counter === 'none') throw new HarnessError('USAGE', `${s.target}: the counter is none (a host simulator): estimate needs a target that counts (qemu or a board)`);
  await s.setProfiling(true);
  const cols: number[][] = names.map(() => []);
  for (const c of inputs) {
    await applyAllParams(s, c.params, `case ${c.id}`);
    await s.reset();
    const r = await s.stream(c.input);
    for (let i = 0; i < r.frames; i++) for (let k = 0; k < names.length; k++) cols[k]!.push(r.stages![i * names.length + k]!);
  }
  return new Map(names.map((n, k) => [n, summarize(cols[k]!).median]));
}

function pct(x: number | null): string {
  return x === null ? '-' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
}

function render(rows: readonly StageEstimate[], k: KernelCosts, unit: string, path: string): string {
  const head = ['stage', 'MACs', 'weights B', 'state B', 'scratch B', `predicted`, `measured`, 'error'];
  const body = rows.map((r) => [r.name, String(r.macs), String(r.weightsBytes), String(r.stateBytes), String(r.scratchBytes), String(Math.round(r.predicted)), r.measured === null ? '-' : String(Math.round(r.measured)), pct(r.error)]);
  const sum = (f: (r: StageEstimate) => number) => rows.reduce((a, r) => a + f(r), 0);
  const measured = rows.every((r) => r.measured !== null) ? sum((r) => r.measured!) : null;
  const predicted = sum((r) => r.predicted);
  body.push(['frame', String(sum((r) => r.macs)), String(sum((r) => r.weightsBytes)), String(sum((r) => r.stateBytes)), String(sum((r) => r.scratchBytes)), String(Math.round(predicted)), measured === null ? '-' : String(Math.round(measured)), pct(measured ? (predicted - measured) / measured : null)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  const d = k.dense[path];
  const kernels = Object.entries(k.unit).map(([n, c]) => `${n} ${c.toFixed(2)}`).join(', ');
  return [
    `counts in ${unit} per frame; dot-product path ${path}`,
    line(head),
    ...body.slice(0, -1).map(line),
    line(body.at(-1)!),
    '',
    `kernel costs (${unit} per unit, probe ${k.probe} per stage): ${d ? `dense ${d.perOutput.toFixed(1)} per output + ${d.perMac.toFixed(3)} per MAC; ` : ''}${kernels}`,
  ].join('\n');
}

function loadTable(file: string): StageTable {
  if (!existsSync(file)) throw new HarnessError('INPUT', `stage table ${displayPath(file)} does not exist (name one with --stages)`, { file });
  return parseStageTable(parseJsonFile(readFileSync(file, 'utf8'), displayPath(file)), displayPath(file));
}

export const estimateCommand: CommandModule<object, EstimateArgs> = {
  command: COMMANDS.estimate.command,
  describe: COMMANDS.estimate.describe,
  builder: (y: Argv) =>
    withTargetOptions(y)
      .option('stages', { type: 'string', describe: "stage table (default firmware/models/<model>/stages.json in the config file's folder)" })
      .option('kernels', { type: 'string', describe: "kernel benchmark image (default: the table's \"kernels\", relative to the table)" })
      .option('suite', { alias: 's', type: 'string', default: 'speech', describe: 'vector suite streamed through the model for the measured profile' })
      .option('path', { choices: ['dsp', 'ref'] as const, describe: 'dot-product path the model image runs (default: from its handshake description, else dsp)' })
      .option('max-error', { type: 'number', describe: 'exit 1 when any stage is off by more than this fraction, e.g. 0.15' })
      .option('json', { type: 'boolean', default: false, describe: 'print the estimate as JSON on stdout' })
      .example('$0 estimate -t qemu', 'model S on the emulated Cortex-M4: predicted vs measured instructions per stage')
      .example('$0 estimate -t qemu --max-error 0.15', 'the same, failing when a stage is more than 15 % off') as unknown as Argv<EstimateArgs>,
  handler: runHandler<EstimateArgs>(async (args) => {
    const model = args.model ?? DEFAULT_MODEL;
    const { profile, defaults, root } = configFromArgs(args);
    const tableFile = args.stages ? path.resolve(args.stages) : path.join(root, 'firmware', 'models', model, 'stages.json');
    const table = loadTable(tableFile);
    const kernelsFile = args.kernels ? path.resolve(args.kernels) : table.kernels ? path.resolve(path.dirname(tableFile), table.kernels) : null;
    if (!kernelsFile) throw new HarnessError('USAGE', `${displayPath(tableFile)} names no kernel image: give one with --kernels`);
    checkFirmwareImage(profile.kind, kernelsFile, profile.qemu.binary);
    const kernelProfile: TargetProfile = { ...profile, firmware: kernelsFile };
    const noise = Int16Array.from({ length: 160 * 16 }, (_, i) => Math.round(8000 * Math.sin(i * 0.37) * Math.cos(i * 0.011)));
    process.stderr.write(`kernel benchmarks: ${displayPath(kernelsFile)} on ${profile.name}\n`);
    const kernelMedians = await withSession(createProfileTarget(kernelProfile), { framing: args.framing, handshakeTimeoutMs: profile.handshakeTimeoutMs }, (s) => profileMedians(s, [{ input: noise, params: {}, id: 'kernels' }]));
    const costs = kernelCosts(kernelMedians);
    const cases = (await loadSuites(defaults.vectorsDir, [args.suite], { requireGoldens: false })).flatMap((x) => x.cases);
    process.stderr.write(`measured profile: ${displayPath(profile.firmware)} on ${profile.name}, suite ${args.suite} (${cases.length} cases)\n`);
    let desc = '';
    let unit = 'counts';
    const measured = await withSession(createProfileTarget(profile), { framing: args.framing, handshakeTimeoutMs: profile.handshakeTimeoutMs }, async (s) => {
      desc = s.info.modelDesc;
      unit = s.info.counter === 'icount' ? 'instructions' : s.info.counter === 'dwt' ? 'cycles' : s.info.counter;
      if (s.info.model !== table.model) throw new HarnessError('INPUT', `${displayPath(tableFile)} describes model ${table.model}, the image runs ${s.info.model}`, { file: tableFile });
      const missing = table.stages.filter((t) => !s.info.stages?.includes(t.name)).map((t) => t.name);
      if (missing.length) throw new HarnessError('INPUT', `${displayPath(tableFile)}: stages ${missing.join(', ')} are not among the device's (${s.info.stages?.join(', ') ?? 'none'})`, { file: tableFile });
      const inputs = [];
      for (const c of cases) inputs.push({ input: await loadCaseInput(c, s.info.rate), params: { ...c.params }, id: c.id });
      return profileMedians(s, inputs);
    });
    const dotPath = args.path ?? (/dot path (\w+)/.exec(desc)?.[1] === 'ref' ? 'ref' : 'dsp');
    const rows = estimateStages(table, costs, dotPath, measured);
    process.stderr.write(`${render(rows, costs, unit, dotPath)}\n`);
    const worst = Math.max(...rows.map((r) => Math.abs(r.error ?? 0)));
    const within = rows.filter((r) => r.error !== null && Math.abs(r.error) <= 0.15).length;
    process.stderr.write(`${within} of ${rows.length} stages within 15 % (worst ${pct(worst).replace('+', '')})\n`);
    if (args.json) process.stdout.write(`${JSON.stringify({ model: table.model, target: profile.name, unit, path: dotPath, kernels: costs, stages: rows }, null, 2)}\n`);
    if (args['max-error'] !== undefined && worst > args['max-error']) {
      process.stderr.write(`hil: estimate: a stage is off by ${(worst * 100).toFixed(1)} %, more than --max-error ${args['max-error']}\n`);
      return 1;
    }
    return 0;
  }),
};
