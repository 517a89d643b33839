import { bool, int, oneOf, port, readConfig, str } from './config.js';
import { RuntimeError } from './errors.js';

describe('readConfig', () => {
  const schema = {
    ADMIN_PORT: port(9090),
    LOG_LEVEL: oneOf(['debug', 'info'], 'info'),
    NAME: str(),
    RETRIES: int({ min: 0, max: 10, default: 3 }),
    LOCAL: bool(false),
  };

  it.each([
    [
      'defaults',
      { NAME: 'a' },
      { ADMIN_PORT: 9090, LOG_LEVEL: 'info', NAME: 'a', RETRIES: 3, LOCAL: false },
    ],
    [
      'explicit values',
      { ADMIN_PORT: '0', LOG_LEVEL: 'debug', NAME: 'b', RETRIES: '10', LOCAL: 'true' },
      { ADMIN_PORT: 0, LOG_LEVEL: 'debug', NAME: 'b', RETRIES: 10, LOCAL: true },
    ],
    [
      'empty as unset',
      { ADMIN_PORT: '', NAME: 'c', LOCAL: '' },
      { ADMIN_PORT: 9090, LOG_LEVEL: 'info', NAME: 'c', RETRIES: 3, LOCAL: false },
    ],
  ])('reads %s', (_case, env, expected) => {
    expect(readConfig(env, schema)).toEqual(expected);
  });

  it.each([
    ['a missing variable', {}, ['NAME is required']],
    ['a port out of range', { NAME: 'a', ADMIN_PORT: '70000' }, ['ADMIN_PORT must be an integer']],
    ['a non-integer', { NAME: 'a', RETRIES: '1.5' }, ['RETRIES must be an integer']],
    [
      'an unknown choice',
      { NAME: 'a', LOG_LEVEL: 'loud' },
      ['LOG_LEVEL must be one of debug, info'],
    ],
    [
      'a boolean other than true or false',
      { NAME: 'a', LOCAL: 'yes' },
      ['LOCAL must be one of true, false'],
    ],
    [
      'every problem at once',
      { ADMIN_PORT: 'x', LOG_LEVEL: 'loud' },
      ['ADMIN_PORT', 'LOG_LEVEL', 'NAME is required'],
    ],
  ])('rejects %s', (_case, env, fragments) => {
    let error: unknown;
    try {
      readConfig(env, schema);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error).toMatchObject({ code: 'RUNTIME_ERR_CONFIG' });
    const { problems } = (error as RuntimeError).context as { problems: string[] };
    expect(problems).toHaveLength(fragments.length);
    for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
  });
});
