import type { CloudEvent } from '@knative-ts/delivery';
import { compileTriggerFilter } from '@knative-ts/eventfilter';
import type { Trigger, TriggerSpec } from '@knative-ts/types';
import type { Informer, Logger } from '@knative-ts/reconciler';
import type { KubeClient } from '@knative-ts/kube';
import {
  compileTrigger,
  TriggerTable,
  TriggerWatcher,
  type CompileTriggerFilter,
} from './trigger-table.js';

const trigger = (spec: Partial<TriggerSpec> = {}, subscriberUri?: string): Trigger => ({
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Trigger',
  metadata: { namespace: 'ns', name: 'tr', uid: 'u-1' },
  spec: { broker: 'default', subscriber: { uri: 'http://x/' }, ...spec },
  ...(subscriberUri ? { status: { subscriberUri } } : {}),
});
const event = (type: string): CloudEvent => ({
  attributes: { specversion: '1.0', id: '1', source: '/s', type },
});

describe('compileTrigger', () => {
  it('compiles identity, subscriber, filter and a single-attempt delivery', () => {
    const { entry, problems } = compileTrigger(
      trigger(
        {
          filter: { attributes: { type: 'a.b' } },
          delivery: { retry: 5, timeout: 'PT2S', format: 'json' },
        },
        'http://sub/',
      ),
      compileTriggerFilter,
    );
    expect(problems).toEqual([]);
    expect(entry).toMatchObject({
      namespace: 'ns',
      name: 'tr',
      uid: 'u-1',
      broker: 'default',
      subscriberUri: 'http://sub/',
      filterType: 'a.b',
      delivery: { retry: 0, timeoutMs: 2000, format: 'json' },
    });
    expect(entry.matches(event('a.b'))).toBe(true);
    expect(entry.matches(event('other'))).toBe(false);
  });

  it.each([
    ['no filter', {}, 'any'],
    ['an empty type', { filter: { attributes: { type: '' } } }, 'any'],
    ['filters only', { filters: [{ exact: { type: 'x' } }] }, 'any'],
  ])('labels %s as filter_type %s', (_name, spec, filterType) => {
    expect(compileTrigger(trigger(spec), compileTriggerFilter).entry.filterType).toBe(filterType);
  });

  it('leaves subscriberUri out until the reconciler resolved it', () => {
    expect(compileTrigger(trigger(), compileTriggerFilter).entry.subscriberUri).toBeUndefined();
  });

  it('makes a trigger whose CESQL does not parse match nothing, and says why', () => {
    const { entry, problems } = compileTrigger(
      trigger({ filters: [{ cesql: 'type = ' }] }),
      compileTriggerFilter,
    );
    expect(entry.matches(event('x'))).toBe(false);
    expect(problems[0]).toMatch(/^filters\[0\]\.cesql: /);
  });

  it('falls back to no timeout when the delivery spec cannot be compiled', () => {
    const { entry, problems } = compileTrigger(trigger({ delivery: { timeout: 'soon' } }), () => ({
      ok: true,
      matches: () => true,
    }));
    expect(entry.delivery).toEqual({ retry: 0, format: 'binary' });
    expect(problems[0]).toMatch(/^spec\.delivery: /);
  });

  it('makes a trigger whose filter compiler throws match nothing, and says why', () => {
    const { entry, problems, filterInvalid } = compileTrigger(trigger(), () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    expect(entry.matches(event('x'))).toBe(false);
    expect(filterInvalid).toBe(true);
    expect(problems).toEqual(['filters: could not be compiled: Maximum call stack size exceeded']);
  });

  it('makes a 10,000-deep CESQL filter match nothing instead of throwing', () => {
    const cesql = '('.repeat(10_000) + 'TRUE' + ')'.repeat(10_000);
    const { entry, problems } = compileTrigger(
      trigger({ filters: [{ cesql }] }),
      compileTriggerFilter,
    );
    expect(entry.matches(event('x'))).toBe(false);
    expect(problems[0]).toMatch(/nested deeper than 128 levels/);
  });

  it('uses the injected compiler', () => {
    const compile: CompileTriggerFilter = () => ({
      ok: false,
      errors: [{ path: 'p', message: 'm' }],
    });
    expect(compileTrigger(trigger(), compile).problems).toEqual(['p: m']);
  });
});

describe('TriggerTable', () => {
  it('stores, replaces and deletes by namespace/name', () => {
    const table = new TriggerTable();
    const { entry } = compileTrigger(trigger(), compileTriggerFilter);
    table.set(entry);
    table.set({ ...entry, uid: 'u-2' });
    expect(table.get('ns', 'tr')?.uid).toBe('u-2');
    table.delete('ns', 'tr');
    expect(table.size).toBe(0);
  });
});

describe('TriggerWatcher.load', () => {
  it('never keeps routing with the old filter after a bad update, and logs it at error level', () => {
    const logged: Array<[string, Record<string, unknown>, string]> = [];
    const record =
      (level: string) =>
      (fields: Record<string, unknown>, msg: string): void =>
        void logged.push([level, fields, msg]);
    const log = {
      error: record('error'),
      warn: record('warn'),
      info: record('info'),
      debug: record('debug'),
    } as unknown as Logger;
    const informer = { addEventHandler: () => undefined } as unknown as Informer<Trigger>;
    const watcher = new TriggerWatcher({
      client: {} as KubeClient,
      compileFilter: compileTriggerFilter,
      log,
      informer,
    });
    watcher.load(trigger({ filters: [{ exact: { type: 'x' } }] }));
    expect(watcher.table.get('ns', 'tr')?.matches(event('x'))).toBe(true);
    const deep = '('.repeat(10_000) + "type = 'x'" + ')'.repeat(10_000);
    watcher.load(trigger({ filters: [{ cesql: deep }] }));
    expect(watcher.table.get('ns', 'tr')?.matches(event('x'))).toBe(false);
    expect(logged).toHaveLength(1);
    const [level, fields, msg] = logged[0] ?? [];
    expect(level).toBe('error');
    expect(msg).toBe('trigger filter does not compile; the trigger matches no event');
    expect(fields).toMatchObject({ namespace: 'ns', name: 'tr', trigger: 'ns/tr' });
    expect(String((fields?.['problems'] as string[])[0])).toMatch(/nested deeper than 128 levels/);
  });
});
