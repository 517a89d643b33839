import { EventEmitter } from 'node:events';
import { createLogger } from './logger.js';
import { installShutdown } from './shutdown.js';

const log = createLogger({ component: 'test', level: 'silent' });

function setup(timeoutMs = 1000) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const order: string[] = [];
  const shutdown = installShutdown({ log, timeoutMs, signals, exit: (code) => exits.push(code) });
  const exited = () =>
    new Promise<void>((resolve) => {
      const poll = () => (exits.length > 0 ? resolve() : setTimeout(poll, 5));
      poll();
    });
  return { signals, exits, order, shutdown, exited };
}

describe('installShutdown', () => {
  it.each(['SIGTERM', 'SIGINT'])('on %s runs closers in reverse order and exits 0', async (sig) => {
    const { signals, exits, order, shutdown, exited } = setup();
    shutdown.register('first', () => void order.push('first'));
    shutdown.register('second', async () => void order.push('second'));
    signals.emit(sig, sig);
    await exited();
    expect(order).toEqual(['second', 'first']);
    expect(exits).toEqual([0]);
    shutdown.dispose();
  });

  it('keeps closing after a closer fails, then exits 1', async () => {
    const { signals, exits, order, shutdown, exited } = setup();
    shutdown.register('ok', () => void order.push('ok'));
    shutdown.register('broken', () => {
      throw new Error('boom');
    });
    signals.emit('SIGTERM', 'SIGTERM');
    await exited();
    expect(order).toEqual(['ok']);
    expect(exits).toEqual([1]);
    shutdown.dispose();
  });

  it('exits 1 when closers outlast the timeout', async () => {
    const { signals, exits, shutdown, exited } = setup(20);
    shutdown.register('slow', () => new Promise((resolve) => setTimeout(resolve, 500)));
    signals.emit('SIGTERM', 'SIGTERM');
    await exited();
    expect(exits).toEqual([1]);
    shutdown.dispose();
  });

  it('exits 1 at once on a second signal', async () => {
    const { signals, exits, shutdown } = setup();
    shutdown.register('slow', () => new Promise((resolve) => setTimeout(resolve, 100)));
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
    expect(shutdown.started).toBe(true);
    shutdown.dispose();
  });
});
