import type { Condition } from './duck.js';
import {
  formatTransitionTime,
  isReadyAndObserved,
  keepTransitionTimes,
  livingConditionSet,
  setCondition,
} from './condition-set.js';

const set = livingConditionSet(['A', 'B'], ['Note']);

/** A clock that advances one second per reading, so transitions are distinguishable. */
function tickingClock(start = Date.parse('2024-01-01T00:00:00Z')) {
  let t = start;
  return () => new Date((t += 1000));
}

function statusOf(conds: Condition[] | undefined, type: string) {
  return conds?.find((c) => c.type === type)?.status;
}

describe('ConditionSet', () => {
  it('drops duplicates and Ready from dependents', () => {
    expect(livingConditionSet(['A', 'Ready', 'A', 'B']).dependents).toEqual(['A', 'B']);
  });

  it('initialize sets Ready and every dependent Unknown, sorted by type', () => {
    const status: { conditions?: Condition[] } = {};
    set.manage(status, new Date('2024-01-01T00:00:00.123Z')).initialize();
    expect(status.conditions).toEqual([
      { type: 'A', status: 'Unknown', lastTransitionTime: '2024-01-01T00:00:00Z' },
      { type: 'B', status: 'Unknown', lastTransitionTime: '2024-01-01T00:00:00Z' },
      { type: 'Ready', status: 'Unknown', lastTransitionTime: '2024-01-01T00:00:00Z' },
    ]);
  });

  it('initialize fills missing dependents with True when Ready is already True', () => {
    const status = { conditions: [{ type: 'Ready', status: 'True' } as Condition] };
    set.manage(status, new Date()).initialize();
    expect(statusOf(status.conditions, 'A')).toBe('True');
    expect(statusOf(status.conditions, 'B')).toBe('True');
  });

  it('initialize keeps existing conditions', () => {
    const status = { conditions: [{ type: 'A', status: 'False', reason: 'x' } as Condition] };
    set.manage(status, new Date()).initialize();
    expect(status.conditions[0]).toEqual({ type: 'A', status: 'False', reason: 'x' });
  });

  type Step = ['true' | 'false' | 'unknown', 'A' | 'B' | 'Note'];
  it.each<[string, Step[], string | undefined]>([
    ['one dependent True leaves Ready Unknown', [['true', 'A']], 'Unknown'],
    [
      'all dependents True make Ready True',
      [
        ['true', 'A'],
        ['true', 'B'],
      ],
      'True',
    ],
    [
      'a False dependent makes Ready False',
      [
        ['true', 'A'],
        ['false', 'B'],
      ],
      'False',
    ],
    [
      'an Unknown dependent makes Ready Unknown',
      [
        ['true', 'A'],
        ['true', 'B'],
        ['unknown', 'A'],
      ],
      'Unknown',
    ],
    [
      'False trumps a later Unknown',
      [
        ['false', 'A'],
        ['unknown', 'B'],
      ],
      'False',
    ],
    [
      'recovering from False to True',
      [
        ['false', 'A'],
        ['true', 'B'],
        ['true', 'A'],
      ],
      'True',
    ],
    [
      'Info conditions never affect Ready',
      [
        ['true', 'A'],
        ['true', 'B'],
        ['false', 'Note'],
      ],
      'True',
    ],
    ['an Info Unknown alone leaves Ready unset', [['unknown', 'Note']], undefined],
  ])('%s', (_name, steps, ready) => {
    const status: { conditions?: Condition[] } = {};
    const m = set.manage(status, tickingClock());
    m.initialize();
    for (const [op, type] of steps) {
      if (op === 'true') m.markTrue(type);
      else if (op === 'false') m.markFalse(type, 'Why', 'because');
      else m.markUnknown(type, 'Wait', 'later');
    }
    if (ready === undefined) {
      const fresh: { conditions?: Condition[] } = {};
      set.manage(fresh, new Date()).markUnknown('Note', 'r');
      expect(statusOf(fresh.conditions, 'Ready')).toBeUndefined();
    } else {
      expect(statusOf(status.conditions, 'Ready')).toBe(ready);
      expect(m.isReady()).toBe(ready === 'True');
    }
  });

  it('Ready copies the reason and message of the failing dependent', () => {
    const status: { conditions?: Condition[] } = {};
    const m = set.manage(status, tickingClock());
    m.markTrue('A');
    m.markFalse('B', 'ServiceNotFound', 'no service');
    expect(m.getTopLevelCondition()).toMatchObject({
      status: 'False',
      reason: 'ServiceNotFound',
      message: 'no service',
    });
  });

  it('Ready takes the most recently changed False dependent', () => {
    const status: { conditions?: Condition[] } = {};
    const m = set.manage(status, tickingClock());
    m.markFalse('B', 'Older', '');
    m.markFalse('A', 'Newer', '');
    m.markTrue('Note');
    expect(m.getTopLevelCondition()?.reason).toBe('Newer');
  });

  it('markTrue on a set without all dependents leaves Ready Unknown', () => {
    const status: { conditions?: Condition[] } = {};
    set.manage(status, new Date()).markTrue('A');
    expect(statusOf(status.conditions, 'Ready')).toBe('Unknown');
  });

  it('Info conditions carry severity Info; terminal ones omit severity', () => {
    const status: { conditions?: Condition[] } = {};
    const m = set.manage(status, new Date());
    m.markFalse('Note', 'r', 'm');
    m.markTrue('A');
    expect(m.getCondition('Note')?.severity).toBe('Info');
    expect(m.getCondition('A')).not.toHaveProperty('severity');
  });

  it('lastTransitionTime changes only when the condition changes', () => {
    const status: { conditions?: Condition[] } = {};
    const clock = tickingClock();
    const m = set.manage(status, clock);
    m.markTrue('A');
    const first = m.getCondition('A')?.lastTransitionTime;
    const before = status.conditions;
    m.markTrue('A');
    expect(m.getCondition('A')?.lastTransitionTime).toBe(first);
    m.markFalse('A', 'R', 'M');
    expect(m.getCondition('A')?.lastTransitionTime).not.toBe(first);
    expect(before?.find((c) => c.type === 'A')?.status).toBe('True');
  });

  it('never mutates condition objects of an earlier snapshot', () => {
    const status: { conditions?: Condition[] } = {};
    const m = set.manage(status, tickingClock());
    m.initialize();
    const snapshot = status.conditions;
    const copy = structuredClone(snapshot);
    m.markTrue('A');
    m.markTrue('B');
    expect(snapshot).toEqual(copy);
    expect(status.conditions).not.toBe(snapshot);
  });

  it('markUnknown on a dependent while another is False keeps Ready False', () => {
    const status: { conditions?: Condition[] } = {};
    const m = set.manage(status, tickingClock());
    m.markFalse('A', 'Broken', '');
    m.markUnknown('B', 'Pending', '');
    expect(m.getTopLevelCondition()).toMatchObject({ status: 'False', reason: 'Broken' });
  });

  it('markUnknown turns a True Ready False (with its own reason) when a dependent is False', () => {
    const status: { conditions?: Condition[] } = {
      conditions: [
        { type: 'A', status: 'False', reason: 'Old' },
        { type: 'Ready', status: 'True' },
      ],
    };
    set.manage(status, new Date()).markUnknown('B', 'Pending', 'msg');
    expect(statusOf(status.conditions, 'Ready')).toBe('False');
    expect(status.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('Pending');
  });

  it('markTrueWithReason keeps the reason on the dependent and makes Ready True', () => {
    const status: { conditions?: Condition[] } = {};
    const m = set.manage(status, new Date());
    m.markTrue('A');
    m.markTrueWithReason('B', 'NotConfigured', 'nothing to do');
    expect(m.getCondition('B')).toMatchObject({ status: 'True', reason: 'NotConfigured' });
    expect(m.isReady()).toBe(true);
  });

  it.each<[string, Condition | undefined, string, string | undefined]>([
    ['True child', { type: 'Ready', status: 'True' }, 'True', undefined],
    [
      'False child',
      { type: 'Ready', status: 'False', reason: 'Bad', message: 'x' },
      'False',
      'Bad',
    ],
    ['Unknown child', { type: 'Ready', status: 'Unknown' }, 'Unknown', 'Fallback'],
    ['missing child', undefined, 'Unknown', 'Fallback'],
  ])('propagate mirrors a %s', (_n, child, want, reason) => {
    const status: { conditions?: Condition[] } = {};
    const m = set.manage(status, new Date());
    m.propagate('A', child, 'Fallback');
    expect(m.getCondition('A')?.status).toBe(want);
    expect(m.getCondition('A')?.reason).toBe(reason);
  });

  it('clearCondition removes Info conditions and refuses terminal ones', () => {
    const status: { conditions?: Condition[] } = {};
    const m = set.manage(status, new Date());
    m.markTrue('Note');
    m.markTrue('A');
    expect(m.clearCondition('Note')).toBe(true);
    expect(m.getCondition('Note')).toBeUndefined();
    expect(m.clearCondition('A')).toBe(false);
    expect(m.getCondition('A')).toBeDefined();
  });

  it('treats conditions read without severity as terminal', () => {
    const status = {
      conditions: [
        { type: 'A', status: 'True', severity: '' },
        { type: 'B', status: 'True' },
      ] as Condition[],
    };
    set.manage(status, new Date()).markTrue('A');
    expect(statusOf(status.conditions, 'Ready')).toBe('True');
  });
});

describe('setCondition', () => {
  it('returns the same array when only the time would change', () => {
    const list: Condition[] = [{ type: 'A', status: 'True', lastTransitionTime: 'x' }];
    expect(setCondition(list, { type: 'A', status: 'True' }, new Date())).toBe(list);
  });

  it('sorts by type in byte order (upper case before lower case)', () => {
    let list = setCondition([], { type: 'b', status: 'True' }, new Date());
    list = setCondition(list, { type: 'Z', status: 'True' }, new Date());
    list = setCondition(list, { type: 'Addressable', status: 'True' }, new Date());
    expect(list.map((c) => c.type)).toEqual(['Addressable', 'Z', 'b']);
  });
});

describe('formatTransitionTime', () => {
  it('drops milliseconds like metav1.Time', () => {
    expect(formatTransitionTime(new Date('2024-05-06T07:08:09.999Z'))).toBe('2024-05-06T07:08:09Z');
  });
});

describe('isReadyAndObserved', () => {
  const ready = [{ type: 'Ready', status: 'True' }] as Condition[];
  it.each([
    [2, { observedGeneration: 2, conditions: ready }, true],
    [3, { observedGeneration: 2, conditions: ready }, false],
    [2, { observedGeneration: 2, conditions: [] }, false],
    [1, undefined, false],
  ])('generation %s → %s', (gen, status, want) => {
    expect(isReadyAndObserved(gen, status)).toBe(want);
  });
});

describe('keepTransitionTimes', () => {
  const t0 = '2024-01-01T00:00:00Z';
  const t1 = '2024-01-01T00:05:00Z';
  const cond = (status: string, extra: Partial<Condition> = {}, time = t1): Condition =>
    ({ type: 'Ready', status, lastTransitionTime: time, ...extra }) as Condition;
  it.each<[string, Condition[] | undefined, Condition[], string]>([
    ['same status, reason and message: the old time', [cond('True', {}, t0)], [cond('True')], t0],
    ['another status: the new time', [cond('Unknown', {}, t0)], [cond('True')], t1],
    [
      'another reason: the new time',
      [cond('False', { reason: 'A' }, t0)],
      [cond('False', { reason: 'B' })],
      t1,
    ],
    [
      'another message: the new time',
      [cond('False', { message: 'a' }, t0)],
      [cond('False', { message: 'b' })],
      t1,
    ],
    ['an empty reason equals none', [cond('True', { reason: '' }, t0)], [cond('True')], t0],
    ['a new condition: the new time', [], [cond('True')], t1],
    ['no status before: the new time', undefined, [cond('True')], t1],
  ])('%s', (_name, before, after, want) => {
    keepTransitionTimes(before, after);
    expect(after[0]?.lastTransitionTime).toBe(want);
  });

  it('a condition that went Unknown and back to True keeps its time (a no-op reconcile)', () => {
    const before = [cond('True', {}, t0)];
    let conditions = structuredClone(before);
    conditions = setCondition(conditions, cond('Unknown', { reason: 'Resolving' }), new Date(t1));
    conditions = setCondition(conditions, cond('True'), new Date(t1));
    expect(conditions[0]?.lastTransitionTime).not.toBe(t0);
    keepTransitionTimes(before, conditions);
    expect(conditions).toEqual(before);
  });
});
