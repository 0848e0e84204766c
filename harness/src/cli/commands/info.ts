/** `hil info`: start a target, perform the handshake and print what the device reports. */
import type { Argv, CommandModule } from 'yargs';

import { withSession } from '../../runner/open-session.ts';
import { profileLinkRate } from '../../runner/link-rate.ts';
import { frameBudgetCycles } from '../../assertions/margin-verdict.ts';
import type { TargetProfile } from '../../config/config-types.ts';
import { formatTaps, type DeviceInfo } from '../../protocol/device-info.ts';
import { createProfileTarget } from '../../targets/create-target.ts';
import { checkWindow, profileFromArgs, withTargetOptions, type TargetArgs } from '../common-options.ts';
import { runHandler } from '../run-handler.ts';
import { COMMANDS } from '../command-index.ts';

interface InfoArgs extends TargetArgs {
  json: boolean;
  stats: boolean;
}

/** The framing in use and what the device offers (PROTOCOL.md 8). */
export function framingText(info: DeviceInfo): string {
  const inUse = info.framing === 2 ? 'v2 (binary, COBS)' : 'v1 (base64 lines)';
  return `${inUse}; the device speaks ${(info.framings ?? [1]).map((f) => `v${f}`).join(', ')}`;
}

export function formatInfo(info: DeviceInfo): string {
  const rows: Array<[string, string]> = [
    ['firmware', `${info.fw} ${info.fwVersion} (build ${info.build})`],
    ['board', info.board],
    ['model', `${info.model} v${info.modelVersion}: ${info.modelDesc}`],
    ['weights hash', info.weights],
    ['audio', `${info.rate} Hz, ${info.channels} ch, ${info.format}, ${info.hop} samples/frame, latency ${info.latency} samples`],
    ['clock', info.clock > 0 ? `${info.clock} Hz (as the device reports it)` : 'n/a'],
    ['counter', info.counter],
    ['window', `${info.window} (history ${info.history}), max payload ${info.maxPayload} bytes`],
    ['protocol', `v${info.proto}, framing ${framingText(info)}`],
  ];
  if (info.stages?.length) rows.push(['stages', `${info.stages.join(', ')} (hil run --profile)`]);
  if (info.taps) rows.push(['taps', `${formatTaps(info.taps)} (first divergent stage on a mismatch)`]);
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
  lines.push('parameters:');
  for (const p of info.params) {
    const s = 2 ** p.fracBits;
    lines.push(`  ${String(p.id).padStart(2)} ${p.name.padEnd(16)} ${p.unit.padEnd(5)} min ${p.min / s}  max ${p.max / s}  default ${p.def / s}`);
  }
  return lines.join('\n');
}

/**
 * The real-time budget `hil run` will apply: the profile's clock (not the device's own, which on
 * an emulator is the timer's), per frame, and what the counter's figures are.
 */
export function formatBudget(profile: Pick<TargetProfile, 'name' | 'clockHz' | 'cpi' | 'requiredMargin'>, info: DeviceInfo): string {
  if (info.counter === 'none') return `budget        n/a: counter none (margins are reported as not applicable)`;
  const perFrame = info.rate > 0 ? Math.round(frameBudgetCycles(profile.clockHz, info.hop, info.rate)) : 0;
  const what = info.counter === 'icount' ? `estimated cycles = instructions x CPI ${profile.cpi}` : `${info.counter} cycles`;
  return `budget        ${perFrame} cycles/frame at ${profile.clockHz} Hz (profile ${profile.name}; ${what}), required margin ${(profile.requiredMargin * 100).toFixed(1)} %`;
}

export const infoCommand: CommandModule<object, InfoArgs> = {
  command: COMMANDS.info.command,
  describe: COMMANDS.info.describe,
  builder: (y: Argv) =>
    withTargetOptions(y)
      .option('json', { type: 'boolean', default: false, describe: 'print the handshake as JSON' })
      .option('stats', { type: 'boolean', default: false, describe: 'also print the device statistics' })
      .example('$0 info --target sim', 'handshake with the host simulator') as unknown as Argv<InfoArgs>,
  handler: runHandler<InfoArgs>(async (args) => {
    const profile = profileFromArgs(args);
    const target = createProfileTarget(profile);
    await withSession(target, { window: checkWindow(args.window), framing: args.framing, handshakeTimeoutMs: profile.handshakeTimeoutMs, linkRate: profileLinkRate(profile) }, async (s) => {
      const stats = args.stats ? await s.stats() : undefined;
      if (args.json) {
        process.stdout.write(`${JSON.stringify({ target: target.description, info: s.info, stats }, null, 2)}\n`);
      } else {
        process.stdout.write(`target        ${target.description}\n${formatBudget(profile, s.info)}\n${formatInfo(s.info)}\n`);
        if (stats) process.stdout.write(`statistics:\n${Object.entries(stats).map(([k, v]) => `  ${k} ${v}`).join('\n')}\n`);
      }
    });
  }),
};
