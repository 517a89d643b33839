import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleServices, hasSequenceResult, loadManifests, SEQUENCE_RESULT } from './example.js';

const sequenceDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../deploy/examples/sequence',
);

describe('the Sequence example', () => {
  it('runs three appenders and an event display', () => {
    expect(exampleServices(loadManifests(sequenceDir))).toEqual([
      { name: 'first', service: 'appender', env: { MESSAGE: ' - Handled by 0' } },
      { name: 'second', service: 'appender', env: { MESSAGE: ' - Handled by 1' } },
      { name: 'third', service: 'appender', env: { MESSAGE: ' - Handled by 2' } },
      { name: 'event-display', service: 'event-display', env: {} },
    ]);
  });
});

describe('loadManifests', () => {
  it('skips empty documents and names the file of a broken one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-example-'));
    writeFileSync(join(dir, 'a.yaml'), 'kind: Service\n---\n');
    expect(loadManifests(dir)).toEqual([{ kind: 'Service' }]);
    writeFileSync(join(dir, 'b.yaml'), 'kind: [\n');
    expect(() => loadManifests(dir)).toThrow(/^b\.yaml: /);
  });
});

describe('hasSequenceResult', () => {
  it.each([
    ['the full reply', [{ data: { message: 'x' } }, { data: { message: SEQUENCE_RESULT } }], true],
    ['a partial reply', [{ data: { message: 'hello, world! - Handled by 0' } }], false],
    ['no events', [], false],
    ['events without data', [{ id: '1' }, null], false],
    ['not a list', { data: { message: SEQUENCE_RESULT } }, false],
  ])('%s', (_name, events, expected) => {
    expect(hasSequenceResult(events)).toBe(expected);
  });
});
