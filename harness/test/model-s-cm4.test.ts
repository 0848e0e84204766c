/**
 * Model S for Cortex-M4 (issue 3): the model objects and the whole QEMU image (agent + board +
 * model) fit in 100 kB of flash, and the image really runs the DSP path: the build says so in its
 * model descriptor and its dense kernel contains SMLALD instructions, which the portable-path image
 * (MS_USE_DSP=0) does not. Needs arm-none-eabi-gcc/binutils (skipped without them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { FIRMWARE_BUILD, REPO_ROOT } from '../src/core/paths.ts';
import { elfSizes } from '../src/firmware-image/elf-sizes.ts';

const HAVE_ARM = spawnSync('arm-none-eabi-objdump', ['--version']).status === 0;
const FLASH_LIMIT = 100_000; // "< 100 kB": the stricter decimal reading
const DSP_IMAGE = path.join(FIRMWARE_BUILD, 'qemu', 'hil-qemu-model-s-semihost.elf');
const REF_IMAGE = path.join(FIRMWARE_BUILD, 'qemu', 'hil-qemu-model-s-ref-semihost.elf');

/** Functions of an ELF that contain `mnemonic`, with the count in each. */
function functionsUsing(elf: string, mnemonic: string): Map<string, number> {
  const dis = execFileSync('arm-none-eabi-objdump', ['-d', '--no-show-raw-insn', elf], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const out = new Map<string, number>();
  let fn = '';
  for (const line of dis.split('\n')) {
    const head = /^[0-9a-f]+ <([^>]+)>:$/.exec(line);
    if (head) fn = head[1]!;
    else if (new RegExp(`^\\s+[0-9a-f]+:\\s+${mnemonic}\\b`).test(line)) out.set(fn, (out.get(fn) ?? 0) + 1);
  }
  return out;
}

/** The model-s descriptor string compiled into an image (INFO model_desc). */
function descriptor(elf: string): string {
  const m = /STFT \+ GRU band-gain speech enhancer[^\0]*/.exec(readFileSync(elf).toString('latin1'));
  return m ? m[0] : '';
}

describe('model S on Cortex-M4 (-mcpu=cortex-m4, DSP path)', function () {
  this.timeout(120_000);
  before(function () {
    if (!HAVE_ARM || !existsSync(DSP_IMAGE)) this.skip();
  });

  it('the model objects compile for Cortex-M4 with MS_USE_DSP=1 and fit in flash', function () {
    const r = spawnSync('make', ['-s', '-C', path.join(REPO_ROOT, 'firmware'), 'model-s-cm4-size'], { encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).to.equal(0);
    const totals = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+[0-9a-f]+\s+\(TOTALS\)$/m.exec(r.stdout);
    expect(totals, r.stdout).to.not.equal(null);
    const flash = Number(totals![1]) + Number(totals![2]);
    expect(flash).to.be.above(55_144); // the int16 weights alone are 55 144 bytes
    expect(flash).to.be.below(FLASH_LIMIT);
    this.test!.title += ` (model objects text+data ${flash} B)`;
  });

  it('the whole QEMU image (agent + board + model) is < 100 kB of flash', function () {
    const s = elfSizes(readFileSync(DSP_IMAGE), DSP_IMAGE);
    expect(s.machine).to.equal(40); // EM_ARM
    expect(s.flash).to.be.below(FLASH_LIMIT);
    this.test!.title += ` (text+data ${s.flash} B; static RAM data+bss ${s.ram - s.stacks} B + ${s.stacks} B stack reservation)`;
  });

  it('the image is built for ARMv7E-M (the DSP extension) and says it runs the SMLALD path', () => {
    const attrs = execFileSync('arm-none-eabi-readelf', ['-A', DSP_IMAGE], { encoding: 'utf8' });
    expect(attrs).to.match(/Tag_CPU_arch: v7E-M/);
    expect(descriptor(DSP_IMAGE)).to.contain('dot path dsp (SMLALD instruction)');
  });

  it('its dense kernel executes SMLALD; the portable-path image has none', function () {
    const dsp = functionsUsing(DSP_IMAGE, 'smlald');
    expect([...dsp.keys()]).to.include('ms_dense_q12');
    if (!existsSync(REF_IMAGE)) this.skip();
    expect(functionsUsing(REF_IMAGE, 'smlald').size).to.equal(0);
    expect(descriptor(REF_IMAGE)).to.contain('dot path ref (portable int64 C)');
  });
});
