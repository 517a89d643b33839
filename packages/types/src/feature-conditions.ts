/**
 * Conditions Knative marks True when the feature behind them is off, so `Ready` does not
 * wait on machinery that is not running (OIDC identities, EventPolicies, dead-letter sinks).
 */

/** The `config-features` flag that gates OIDC identities and EventPolicies. */
export const OidcFeatureFlag = 'authentication-oidc';

/** Something that can mark one condition True with a reason (any ConditionManager). */
interface MarksTrue<T extends string> {
  markTrueWithReason(type: T, reason: string, message?: string): void;
}

/** OIDCIdentityCreated when OIDC is off: True, reason `authentication-oidc feature disabled`. */
export function markOidcIdentityDisabled(m: MarksTrue<'OIDCIdentityCreated'>): void {
  m.markTrueWithReason('OIDCIdentityCreated', `${OidcFeatureFlag} feature disabled`, '');
}

/** SinkBinding's OIDCTokenSecretCreated when OIDC is off, as Knative marks it. */
export function markOidcTokenSecretDisabled(m: MarksTrue<'OIDCTokenSecretCreated'>): void {
  m.markTrueWithReason('OIDCTokenSecretCreated', `${OidcFeatureFlag} feature disabled`, '');
}

/** EventPoliciesReady when OIDC is off: True, reason OIDCDisabled (authz needs OIDC). */
export function markEventPoliciesOidcDisabled(m: MarksTrue<'EventPoliciesReady'>): void {
  m.markTrueWithReason(
    'EventPoliciesReady',
    'OIDCDisabled',
    `Feature "${OidcFeatureFlag}" must be enabled to support Authorization`,
  );
}

/** EventPoliciesReady when OIDC is on but no policy applies: the default authz mode rules. */
export function markEventPoliciesDefaultMode(
  m: MarksTrue<'EventPoliciesReady'>,
  mode = 'allow-same-namespace',
): void {
  m.markTrueWithReason(
    'EventPoliciesReady',
    'DefaultAuthorizationMode',
    `Default authz mode is "${mode}"`,
  );
}

/** DeadLetterSinkResolved when delivery has no dead-letter sink: True, not a failure. */
export function markDeadLetterSinkNotConfigured(m: MarksTrue<'DeadLetterSinkResolved'>): void {
  m.markTrueWithReason(
    'DeadLetterSinkResolved',
    'DeadLetterSinkNotConfigured',
    'No dead letter sink is configured.',
  );
}
