import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  removeSandboxFile,
  renderSandboxFile,
  writeSandboxFile,
  type SandboxFile,
} from './sandbox-file.js';

const state: SandboxFile = {
  apps: {
    'imc-dispatcher': 'http://127.0.0.1:19110',
    'eventing-controller': 'http://127.0.0.1:19101',
  },
  admin: { 'imc-dispatcher': 'http://127.0.0.1:19111' },
  services: { 'demo/first': 'http://127.0.0.1:19200' },
  logs: { 'imc-dispatcher': '/r/.local/sandbox/imc-dispatcher.log' },
  kubeconfig: '/r/.local/kubeconfig',
  systemNamespace: 'knative-eventing',
  pid: 42,
  examples: { sequence: 'waiting' },
};

describe('renderSandboxFile', () => {
  it('is JSON with sorted names and the documented keys', () => {
    const text = renderSandboxFile(state);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text) as SandboxFile;
    expect(Object.keys(parsed)).toEqual([
      'apps',
      'admin',
      'services',
      'logs',
      'kubeconfig',
      'systemNamespace',
      'pid',
      'examples',
    ]);
    expect(Object.keys(parsed.apps)).toEqual(['eventing-controller', 'imc-dispatcher']);
    expect(parsed.examples).toEqual({ sequence: 'waiting' });
  });
});

describe('writeSandboxFile', () => {
  it('replaces the file whole, leaves no temp file, and is removed on stop', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-file-'));
    const path = join(dir, 'sandbox.json');
    writeSandboxFile(path, state);
    writeSandboxFile(path, { ...state, examples: { sequence: 'ok' } });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ examples: { sequence: 'ok' } });
    expect(readdirSync(dir)).toEqual(['sandbox.json']);
    removeSandboxFile(path);
    removeSandboxFile(path);
    expect(existsSync(path)).toBe(false);
  });
});
