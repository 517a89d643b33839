import { parseLogLine, parseLogText } from './log-line.js';

describe('parseLogLine', () => {
  it.each([
    [
      'the runtime admin server',
      '{"level":30,"msg":"admin server listening","port":19101}',
      { kind: 'listening', port: 19101 },
    ],
    [
      'a test service',
      '{"level":30,"service":"appender","port":19200,"msg":"test service listening"}',
      { kind: 'listening', port: 19200 },
    ],
    [
      'a fatal error with its cause',
      '{"level":60,"msg":"app failed to start","err":{"message":"listen EADDRINUSE"}}',
      { kind: 'error', message: 'app failed to start: listen EADDRINUSE' },
    ],
    [
      'an error without err',
      '{"level":50,"msg":"watch failed"}',
      { kind: 'error', message: 'watch failed' },
    ],
    ['an info line', '{"level":30,"msg":"reconciled"}', undefined],
    ['a listening line without a port', '{"level":30,"msg":"admin server listening"}', undefined],
    ['an event dump', '☁️  cloudevents.Event', undefined],
    ['a partial line', '{"level":30,"msg":"admin ser', undefined],
    ['JSON that is not an object', '{', undefined],
  ])('%s', (_name, line, expected) => {
    expect(parseLogLine(line)).toEqual(expected);
  });
});

describe('parseLogText', () => {
  it('returns the signals of a log in order', () => {
    const text = [
      '(node:1) ExperimentalWarning: …',
      '{"level":30,"msg":"admin server listening","port":1}',
      '{"level":50,"msg":"boom"}',
      '',
    ].join('\n');
    expect(parseLogText(text)).toEqual([
      { kind: 'listening', port: 1 },
      { kind: 'error', message: 'boom' },
    ]);
  });
});
