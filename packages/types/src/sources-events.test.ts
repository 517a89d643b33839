import {
  apiServerEventSubject,
  apiServerSourceEventType,
  apiServerSourceEventTypes,
  guessResource,
} from './api-server-source-events.js';
import {
  isEmptyLabelSelector,
  labelSelectorString,
  matchesLabelSelector,
} from './label-selector.js';

describe('guessResource', () => {
  it.each([
    ['ConfigMap', 'configmaps'],
    ['Pod', 'pods'],
    ['Event', 'events'],
    ['Ingress', 'ingresses'],
    ['NetworkPolicy', 'networkpolicies'],
    ['Endpoints', 'endpoints'],
    ['', ''],
  ])('%s -> %s', (kind, resource) => expect(guessResource(kind)).toBe(resource));
});

describe('apiServerEventSubject', () => {
  it.each([
    [
      { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name: 'p' },
      '/apis/v1/namespaces/ns/pods/p',
    ],
    [
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: 'd' },
      '/apis/apps/v1/namespaces/ns/deployments/d',
    ],
    [
      { apiVersion: 'example.com', kind: 'Thing', namespace: 'ns', name: 't' },
      '/apis/example.com/versionUnknown/namespaces/ns/things/t',
    ],
  ])('%j', (obj, subject) => expect(apiServerEventSubject(obj)).toBe(subject));
});

describe('ApiServerSource event types', () => {
  it('lists the three types of each mode', () => {
    expect(apiServerSourceEventTypes('Resource')).toEqual([
      'dev.knative.apiserver.resource.add',
      'dev.knative.apiserver.resource.update',
      'dev.knative.apiserver.resource.delete',
    ]);
    expect(apiServerSourceEventTypes('Reference')).toEqual([
      'dev.knative.apiserver.ref.add',
      'dev.knative.apiserver.ref.update',
      'dev.knative.apiserver.ref.delete',
    ]);
  });
  it.each([
    ['Resource', 'update', 'dev.knative.apiserver.resource.update'],
    ['Reference', 'delete', 'dev.knative.apiserver.ref.delete'],
  ] as const)('%s %s', (mode, change, type) =>
    expect(apiServerSourceEventType(mode, change)).toBe(type),
  );
});

describe('label selectors', () => {
  const sel = {
    matchLabels: { app: 'x' },
    matchExpressions: [
      { key: 'tier', operator: 'In' as const, values: ['web', 'api'] },
      { key: 'legacy', operator: 'DoesNotExist' as const },
    ],
  };
  it('formats as the API server query', () => {
    expect(labelSelectorString(sel)).toBe('app=x,!legacy,tier in (api,web)');
    expect(labelSelectorString(undefined)).toBe('');
  });
  it.each([
    [{ app: 'x', tier: 'web' }, true],
    [{ app: 'x', tier: 'db' }, false],
    [{ app: 'x', tier: 'web', legacy: '1' }, false],
    [{ tier: 'web' }, false],
  ])('%j matches: %s', (labels, want) => expect(matchesLabelSelector(sel, labels)).toBe(want));
  it('an empty selector matches all; none matches nothing', () => {
    expect(matchesLabelSelector({}, { a: 'b' })).toBe(true);
    expect(matchesLabelSelector(undefined, { a: 'b' })).toBe(false);
    expect(isEmptyLabelSelector({})).toBe(true);
    expect(isEmptyLabelSelector(undefined)).toBe(false);
    expect(isEmptyLabelSelector({ matchLabels: { a: 'b' } })).toBe(false);
  });
});
