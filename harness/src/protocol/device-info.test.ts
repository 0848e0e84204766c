import { expect } from 'chai';
import { HarnessError } from '../core/errors.ts';
import { CANONICAL_FRAMES } from './canonical-frames.ts';
import { formatDeviceInfo, parseDeviceInfo, parseParamDesc, type DeviceInfo } from './device-info.ts';
import { describeNotice, parseBoot, parseDeviceStats, parseFault } from './device-reports.ts';
import { formatKeyValues, type KeyValues } from './payloads.ts';
import { FakeDevice } from '../session/fake-device.ts';

const FULL: KeyValues = [
  ['proto', '1'],
  ['fw', 'hil-sim-gain'],
  ['fw_version', '0.1.0'],
  ['build', '3f9a2c1e'],
  ['board', 'host-sim'],
  ['model', 'gain'],
  ['model_version', '1'],
  ['model_desc', 'int16 gain, untrained = fine'],
  ['weights', '00000000'],
  ['rate', '16000'],
  ['hop', '160'],
  ['format', 's16le'],
  ['channels', '1'],
  ['latency', '0'],
  ['clock', '0'],
  ['counter', 'none'],
  ['window', '8'],
  ['history', '8'],
  ['max_payload', '1024'],
  ['param', '0,gain_db,dB,8,-15360,6144,0'],
  ['param', '1,mute,bool,0,0,1,0'],
  ['future_key', 'whatever'],
];

function without(key: string): KeyValues {
  return FULL.filter(([k]) => k !== key);
}
function replaced(key: string, value: string): KeyValues {
  return FULL.map(([k, v]) => [k, k === key ? value : v] as const);
}
function handshakeError(kv: KeyValues): HarnessError {
  try {
    parseDeviceInfo(formatKeyValues(kv), { target: 'sim:x' });
  } catch (e) {
    expect(e).to.be.instanceOf(HarnessError);
    expect((e as HarnessError).code).to.equal('HANDSHAKE');
    return e as HarnessError;
  }
  throw new Error('expected a HANDSHAKE error');
}

describe('parseDeviceInfo', () => {
  it('parses every key into typed fields, ignoring unknown keys', () => {
    const info = parseDeviceInfo(formatKeyValues(FULL));
    expect(info).to.deep.include({
      proto: 1, fw: 'hil-sim-gain', fwVersion: '0.1.0', build: '3f9a2c1e', board: 'host-sim', model: 'gain',
      modelVersion: '1', modelDesc: 'int16 gain, untrained = fine', weights: '00000000', rate: 16000, hop: 160,
      format: 's16le', channels: 1, latency: 0, clock: 0, counter: 'none', window: 8, history: 8, maxPayload: 1024,
    });
    expect(info.params).to.deep.equal([
      { id: 0, name: 'gain_db', unit: 'dB', fracBits: 8, min: -15360, max: 6144, def: 0 },
      { id: 1, name: 'mute', unit: 'bool', fracBits: 0, min: 0, max: 1, def: 0 },
    ]);
  });

  it('round-trips through formatDeviceInfo', () => {
    const info = parseDeviceInfo(formatKeyValues(FULL));
    expect(parseDeviceInfo(formatDeviceInfo(info))).to.deep.equal(info);
  });

  for (const key of ['fw_version', 'hop', 'counter', 'max_payload', 'window']) {
    it(`names the missing key ${key}`, () => {
      const e = handshakeError(without(key));
      expect(e.message).to.contain(`"${key}"`).and.contain('sim:x');
      expect(e.context.key).to.equal(key);
    });
  }

  for (const [key, value] of [['hop', '0'], ['hop', '16x'], ['rate', '-1'], ['counter', 'cycles'], ['proto', '2'], ['window', '0']] as const) {
    it(`names the bad value ${key}=${value}`, () => {
      const e = handshakeError(replaced(key, value));
      expect(e.message).to.contain(key).and.contain(value);
      expect(e.context.key).to.equal(key);
    });
  }

  it('rejects malformed or inconsistent param lines', () => {
    for (const p of ['0,gain_db,dB,8,-15360,6144', '0,gain db,dB,8,0,1,0', '0,g,dB,8,5,1,3', '0,g,dB,31,0,1,0', 'x,g,dB,8,0,1,0']) {
      expect(handshakeError(replaced('param', p)).context.key).to.equal('param');
    }
    const dup: KeyValues = [...FULL, ['param', '0,other,dB,0,0,1,0']];
    expect(handshakeError(dup).message).to.contain('repeats parameter id 0');
  });

  it('rejects a repeated single key and a line without "="', () => {
    expect(handshakeError([...FULL, ['hop', '80']]).message).to.contain('twice');
    expect(() => parseDeviceInfo(Buffer.from('proto=1\nnonsense\n'))).to.throw(HarnessError, /malformed INFO/);
  });

  it('the canonical (abridged) INFO frame lacks fw_version', () => {
    const info = CANONICAL_FRAMES.find((f) => f.name === 'info')!;
    expect(handshakeError([...(new Map([['x', 'y']]))] as KeyValues).context.key).to.equal('proto');
    expect(() => parseDeviceInfo(info.payload)).to.throw(HarnessError, /"fw_version"/);
  });

  it('parses INFO taps per stage, and names a bad entry, a wrong count or taps without stages', () => {
    const base = Buffer.from(formatDeviceInfo(new FakeDevice().info)).toString();
    const info = (extra: string) => Buffer.from(`${base}${extra}`);
    expect(parseDeviceInfo(info('stages=input,fft,gru1\ntaps=i16x320,-,i64x20\n')).taps).to.deep.equal([{ bits: 16, count: 320 }, null, { bits: 64, count: 20 }]);
    expect(parseDeviceInfo(info('stages=input,fft\n')).taps).to.equal(undefined);
    expect(() => parseDeviceInfo(info('stages=input,fft\ntaps=i16x3\n'), { target: 't' })).to.throw(HarnessError, /t: INFO taps="i16x3" has 1 entries for 2 stages/);
    expect(() => parseDeviceInfo(info('stages=input\ntaps=f32x3\n'))).to.throw(HarnessError, /has a bad entry "f32x3" \(expected i16xN, i32xN, i64xN or -\)/);
    expect(() => parseDeviceInfo(info('stages=input\ntaps=i16x0\n'))).to.throw(HarnessError, /bad entry "i16x0"/);
    expect(() => parseDeviceInfo(info('taps=i16x3\n'))).to.throw(HarnessError, /INFO taps="i16x3" comes without "stages"/);
  });

  it('parses INFO stages, and names a bad, repeated or excess stage', () => {
    const base = formatDeviceInfo(new FakeDevice().info).toString();
    const withStages = (v: string) => Buffer.from(`${base}stages=${v}\n`);
    expect(parseDeviceInfo(withStages('input,fft,gru1')).stages).to.deep.equal(['input', 'fft', 'gru1']);
    expect(parseDeviceInfo(Buffer.from(base)).stages).to.equal(undefined);
    expect(() => parseDeviceInfo(withStages('input,GRU 1'), { target: 't' })).to.throw(HarnessError, /t: INFO stages="input,GRU 1" has a bad stage name "GRU 1" \(expected \[a-z0-9_\]\+\)/);
    expect(() => parseDeviceInfo(withStages('a,b,a'))).to.throw(HarnessError, /repeats the stage a/);
    expect(() => parseDeviceInfo(withStages(Array.from({ length: 17 }, (_, i) => `s${i}`).join(',')))).to.throw(HarnessError, /declares 17 stages \(at most 16\)/);
  });

  it('parses a lone param line with an empty unit', () => {
    expect(parseParamDesc('7,level,,15,-32768,32767,0')).to.deep.equal({
      id: 7, name: 'level', unit: '', fracBits: 15, min: -32768, max: 32767, def: 0,
    });
  });

  it('keeps DeviceInfo JSON-serialisable', () => {
    const info: DeviceInfo = parseDeviceInfo(formatKeyValues(FULL));
    expect(JSON.parse(JSON.stringify(info))).to.deep.equal(info);
  });
});

describe('parseDeviceStats / parseBoot / parseFault', () => {
  const STATS: KeyValues = [
    ['frames', '1000'], ['rx_lines', '1010'], ['rx_log_lines', '2'], ['crc_errors', '3'], ['gap_naks', '4'],
    ['too_long', '0'], ['history_resends', '5'], ['errors', '0'], ['stack_hwm', '-1'], ['stack_size', '0'],
    ['uptime', '123456789012'], ['new_key', 'x'],
  ];

  it('parses every STATS_REPLY key as a number', () => {
    expect(parseDeviceStats(formatKeyValues(STATS))).to.deep.equal({
      frames: 1000, rxLines: 1010, rxLogLines: 2, crcErrors: 3, gapNaks: 4, tooLong: 0, historyResends: 5,
      errors: 0, stackHwm: -1, stackSize: 0, uptime: 123456789012,
    });
  });

  it('names a missing or non-numeric STATS_REPLY key', () => {
    const missing = STATS.filter(([k]) => k !== 'gap_naks');
    expect(() => parseDeviceStats(formatKeyValues(missing))).to.throw(HarnessError, /"gap_naks"/);
    const bad = STATS.map(([k, v]) => [k, k === 'frames' ? '1e3' : v] as const);
    expect(() => parseDeviceStats(formatKeyValues(bad))).to.throw(HarnessError, /frames="1e3"/);
    const canonical = CANONICAL_FRAMES.find((f) => f.name === 'stats-reply')!;
    expect(() => parseDeviceStats(canonical.payload)).to.throw(HarnessError, /"rx_lines"/);
  });

  it('reads BOOT and FAULT fields leniently', () => {
    const boot = parseBoot(CANONICAL_FRAMES.find((f) => f.name === 'boot')!.payload);
    expect(boot).to.deep.include({ fw: 'hil-sim-gain', reason: 'power-on', build: undefined });
    const fault = parseFault(CANONICAL_FRAMES.find((f) => f.name === 'fault')!.payload);
    expect(fault.kind).to.equal('hardfault');
    expect(fault.fields).to.deep.equal({ kind: 'hardfault', pc: '0x00001234', frame: '17' });
    expect(describeNotice(fault)).to.equal('kind=hardfault pc=0x00001234 frame=17');
    const odd = parseFault(Buffer.from('garbled\xff text'));
    expect(odd.kind).to.equal('unknown');
    expect(describeNotice(odd)).to.contain('garbled');
  });
});
