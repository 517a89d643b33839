import { Readiness } from './readiness.js';

describe('Readiness', () => {
  it.each([
    ['no checks', {}, []],
    ['all passing', { a: () => true, b: async () => true }, []],
    ['one false', { a: () => true, b: () => false }, [{ name: 'b' }]],
    [
      'one throwing',
      {
        a: async () => {
          throw new Error('no broker');
        },
      },
      [{ name: 'a', error: 'no broker' }],
    ],
  ])('%s', async (_case, checks: Record<string, () => boolean | Promise<boolean>>, failing) => {
    const readiness = new Readiness();
    for (const [name, check] of Object.entries(checks)) readiness.add(name, check);
    expect(await readiness.evaluate()).toEqual({ ready: failing.length === 0, failing });
  });
});
