import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxErrorCode } from './errors.js';
import { clearPrevious, isOurs, readPidFile, writePidFile } from './pid-file.js';

describe('the pid file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-pids-'));
  const file = join(dir, 'pids.json');

  it('refuses to start beside a live launcher of the same checkout', async () => {
    // A stand-in launcher, started by a relative path in the checkout as npm start does.
    const launcher = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { cwd: dir });
    try {
      writePidFile(file, { launcher: launcher.pid ?? 0, processes: [] });
      expect(isOurs(launcher.pid ?? 0, dir)).toBe(true);
      await expect(clearPrevious(file, dir)).rejects.toMatchObject({
        code: SandboxErrorCode.AlreadyRunning,
        hint: expect.stringContaining(`kill -INT ${launcher.pid}`),
      });
    } finally {
      launcher.kill();
    }
  });

  it('stops what a dead launcher left behind, and forgets it', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { cwd: dir });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    writePidFile(file, {
      launcher: 2 ** 22 + 1, // beyond pid_max: not running
      processes: [{ name: 'imc-dispatcher', pid: child.pid ?? 0 }],
    });
    expect(await clearPrevious(file, dir)).toEqual(['imc-dispatcher']);
    await exited;
    expect(readPidFile(file)).toBeUndefined();
  });

  it('leaves processes of other checkouts alone', async () => {
    writePidFile(file, { launcher: 2 ** 22 + 1, processes: [{ name: 'x', pid: process.pid }] });
    expect(await clearPrevious(file, join(dir, 'elsewhere'))).toEqual([]);
  });
});
