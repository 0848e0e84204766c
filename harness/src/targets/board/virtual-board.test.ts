import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

import { resolveConfig } from '../../config/resolve-config.ts';
import { validateConfig } from '../../config/validate-config.ts';
import { startVirtualBoard, virtualBoardArgs, virtualBoardProfile } from './virtual-board.ts';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('virtual bench board', function () {
  this.timeout(30_000);

  it('runs QEMU empty and paused, with a gdbstub and the UART on a pty (no -kernel, no -no-reboot)', () => {
    const args = virtualBoardArgs({ gdbPort: 4321 }, '/tmp/q.sock');
    expect(args).to.include.members(['-S', '-gdb', 'tcp:127.0.0.1:4321', '-serial', 'pty']);
    expect(args).not.to.include('-kernel');
    expect(args).not.to.include('-no-reboot');
  });

  it('starts with a pty and a listening GDB server, and stop() leaves no QEMU behind', async () => {
    const vb = await startVirtualBoard();
    try {
      expect(existsSync(vb.ptyPath), vb.ptyPath).to.equal(true);
      expect(await vb.status()).to.equal('prelaunch');
      await new Promise<void>((resolve, reject) => {
        const s = connect(vb.gdbPort, '127.0.0.1', () => {
          s.destroy();
          resolve();
        });
        s.once('error', reject);
      });
      expect(processAlive(vb.pid)).to.equal(true);
    } finally {
      await vb.stop();
    }
    const exit = await vb.exited;
    expect(exit.code !== null || exit.signal !== null).to.equal(true);
    expect(processAlive(vb.pid)).to.equal(false);
  });

  it('its profile is a valid board profile of hil.config.json', () => {
    const file = validateConfig({ targets: { board: virtualBoardProfile({ ptyPath: '/dev/pts/9', gdbServer: '127.0.0.1:5555' }) } }, 'hil.config.json');
    const { profile } = resolveConfig(file, '/p/hil.config.json', { target: 'board' });
    expect(profile).to.include({ kind: 'board', reset: 'flasher', counter: 'icount', baudRate: 115200 });
    expect(profile.port).to.deep.equal({ path: '/dev/pts/9' });
    expect(profile.flasher).to.include({ type: 'gdb', server: '127.0.0.1:5555' });
  });
});
