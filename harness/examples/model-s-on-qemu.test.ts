/**
 * Example of a user-written mocha spec against the emulated Cortex-M4 (`npm test` runs it):
 * connect() resolves the target like `hil run --target qemu` (options > hil.config.json >
 * built-in defaults), and the chai plugin asserts bit-exactness and real-time margin with the
 * harness's own verdict messages. Run just this file with
 *   npx mocha harness/examples/model-s-on-qemu.test.ts
 */
import * as chai from 'chai';
import { expect } from 'chai';
import { connect, hilChai, readGolden, type Device } from 'hil';

chai.use(hilChai);

describe('example: model S on QEMU (user spec with the hil API)', function () {
  let dut: Device;

  before(async () => {
    dut = await connect({ target: 'qemu' });
  });
  after(() => dut?.close());

  it('identifies itself as model S on the emulated Cortex-M4', () => {
    expect(dut.info.model).to.equal('model-s');
    expect(dut.info.counter).to.equal('icount');
  });

  it('is bit-exact with the committed golden output', async () => {
    const r = await dut.process('vectors/smoke/tone-1k.wav');
    expect(r).to.be.bitExactWith(await readGolden('vectors/smoke/golden/tone-1k.wav'));
  });

  it('matches a manifest case within its declared tolerance', async () => {
    const c = await dut.processCase('speech/en-us-m-white-10db');
    expect(c).to.matchGolden();
  });

  it('keeps a 10 % real-time margin at 100 MHz, and not at 25 MHz', async () => {
    const r = await dut.process('vectors/smoke/sweep.wav');
    expect(r).to.meetRealTime({ requiredMargin: 0.1 });
    expect(r).not.to.meetRealTime({ clockHz: 25e6, requiredMargin: 0.1 });
  });

  it('starts every stream from a clean model: parameters back to defaults, state reset', async () => {
    const quiet = await dut.process('vectors/smoke/tone-1k.wav', { output_gain_db: -12 });
    expect(quiet.params.output_gain_db).to.equal(-12);
    const again = await dut.process('vectors/smoke/tone-1k.wav');
    expect(again.params.output_gain_db).to.equal(0);
    expect(again).to.be.bitExactWith(await readGolden('vectors/smoke/golden/tone-1k.wav'));
    expect(again).not.to.be.bitExactWith(quiet.output);
  });
});
