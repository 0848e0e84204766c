/**
 * Issue 6: the real-board template (firmware/boards/stm32f4-template) is built by `npm run build`
 * and fits an STM32F411; with no board attached here, its model S image is flashed over GDB RSP
 * into QEMU's netduinoplus2 (an STM32F405: same core, flash at 0x08000000, USART2) and streams a
 * smoke case bit-exact through the same `hil run --target board` path a bench board takes.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { FIRMWARE_BUILD } from '../src/core/paths.ts';
import type { RunReport } from '../src/core/results.ts';
import { elfSizes } from '../src/firmware-image/elf-sizes.ts';
import { startVirtualBoard, virtualBoardProfile, type VirtualBoard } from '../src/targets/board/virtual-board.ts';
import { runCli } from './helpers/run-cli.ts';
import { REPO_DEFAULTS } from './helpers/temp-config.ts';

const IMAGE = (model: string, ext = 'elf') => path.join(FIRMWARE_BUILD, 'stm32f4', `hil-stm32f4-${model}.${ext}`);

describe('bench board: the STM32F4 real-board template (issue 6)', function () {
  this.timeout(120_000);

  for (const model of ['gain', 'model-s']) {
    it(`${model}: the build made ELF, .bin and .hex, linked at 0x08000000, within an STM32F411's 512 KiB / 128 KiB`, () => {
      const elf = readFileSync(IMAGE(model));
      const sizes = elfSizes(elf, IMAGE(model));
      expect(sizes.text + sizes.data).to.be.greaterThan(1000).and.at.most(512 * 1024);
      expect(sizes.data + sizes.bss).to.be.greaterThan(0).and.at.most(128 * 1024);
      const entry = elf.readUInt32LE(24); // e_entry of an ELF32 little-endian image
      expect(entry & 0xff000000, `entry 0x${entry.toString(16)}`).to.equal(0x08000000);
      const bin = readFileSync(IMAGE(model, 'bin'));
      expect(bin.readUInt32LE(4), 'reset vector in the .bin').to.equal(entry | 1);
      expect(readFileSync(IMAGE(model, 'hex'), 'utf8')).to.match(/^:020000040800F2/);
    });
  }

  describe('on an emulated STM32F405 (virtual board, machine netduinoplus2)', () => {
    let vb: VirtualBoard;
    const dir = mkdtempSync(path.join(tmpdir(), 'hil-board-f4-'));
    before(async () => {
      vb = await startVirtualBoard({ machine: 'netduinoplus2' });
    });
    after(async () => {
      await vb?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('flashed over GDB RSP, it identifies as the template and streams bit-exact', async () => {
      const reportsDir = path.join(dir, 'reports');
      const cfg = path.join(dir, 'hil.config.json');
      writeFileSync(cfg, JSON.stringify({ defaults: { ...REPO_DEFAULTS, reportsDir }, targets: { board: virtualBoardProfile(vb) } }));
      const r = await runCli(['run', '--config', cfg, '--target', 'board', '--suite', 'smoke', '--grep', 'smoke/impulse']);
      expect(r.code, r.stderr).to.equal(0);
      const [run] = readdirSync(reportsDir).filter((d) => d !== 'latest');
      const report = JSON.parse(readFileSync(path.join(reportsDir, run!, 'report.json'), 'utf8')) as RunReport;
      expect(report.device).to.include({ board: 'stm32f4-template', fw: 'hil-stm32f4-model-s', model: 'model-s' });
      expect(report.target).to.include({ counter: 'dwt', clockHz: 16_000_000, firmware: IMAGE('model-s') });
      expect(report.target.board?.flash).to.include({ type: 'gdb', verified: true });
      const c = report.cases[0]!;
      expect(c.status).to.equal('passed');
      expect(c.output).to.include({ mismatches: 0 });
      expect(c.output?.outputHash).to.equal(c.output?.goldenHash);
    });
  });
});
