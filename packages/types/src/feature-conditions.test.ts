import {
  markDeadLetterSinkNotConfigured,
  markEventPoliciesDefaultMode,
  markEventPoliciesOidcDisabled,
  markOidcIdentityDisabled,
  markOidcTokenSecretDisabled,
} from './feature-conditions.js';
import type { Condition } from './duck.js';
import { InMemoryChannelConditions } from './in-memory-channel.js';
import { SinkBindingConditions } from './sink-binding.js';

describe('feature-off conditions', () => {
  it('make an InMemoryChannel Ready without OIDC or a dead-letter sink', () => {
    const status: { conditions?: Condition[] } = {};
    const m = InMemoryChannelConditions.manage(status, new Date());
    m.initialize();
    for (const t of [
      'ServiceReady',
      'EndpointsReady',
      'Addressable',
      'ChannelServiceReady',
    ] as const) {
      m.markTrue(t);
    }
    markDeadLetterSinkNotConfigured(m);
    expect(m.isReady()).toBe(false);
    markEventPoliciesOidcDisabled(m);
    expect(m.isReady()).toBe(true);
    expect(m.getCondition('EventPoliciesReady')).toMatchObject({
      status: 'True',
      reason: 'OIDCDisabled',
      message: 'Feature "authentication-oidc" must be enabled to support Authorization',
    });
    expect(m.getCondition('DeadLetterSinkResolved')).toMatchObject({
      reason: 'DeadLetterSinkNotConfigured',
      message: 'No dead letter sink is configured.',
    });
  });

  it('use the default authorization mode message when OIDC is on', () => {
    const status: { conditions?: Condition[] } = {};
    const m = InMemoryChannelConditions.manage(status, new Date());
    markEventPoliciesDefaultMode(m, 'allow-all');
    expect(m.getCondition('EventPoliciesReady')).toMatchObject({
      reason: 'DefaultAuthorizationMode',
      message: 'Default authz mode is "allow-all"',
    });
  });

  it('mark OIDC identity and token secret True with Knative reason', () => {
    const status: { conditions?: Condition[] } = {};
    const m = SinkBindingConditions.manage(status, new Date());
    markOidcIdentityDisabled(m);
    markOidcTokenSecretDisabled(m);
    for (const t of ['OIDCIdentityCreated', 'OIDCTokenSecretCreated'] as const) {
      expect(m.getCondition(t)).toMatchObject({
        status: 'True',
        reason: 'authentication-oidc feature disabled',
      });
      expect(m.getCondition(t)).not.toHaveProperty('message');
    }
  });
});
