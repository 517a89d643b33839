import type { CloudEvent } from '@knative-ts/delivery';
import { compileTriggerFilter } from '@knative-ts/eventfilter';
import type { Trigger, TriggerSpec } from '@knative-ts/types';
import { compileTrigger, TriggerTable, type CompileTriggerFilter } from './trigger-table.js';

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
