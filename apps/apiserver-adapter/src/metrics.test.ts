import { Registry } from 'prom-client';
import { SourceMetrics } from './metrics.js';

describe('SourceMetrics', () => {
  it('counts each event once and each retry', async () => {
    const registry = new Registry();
    const m = new SourceMetrics({
      registry,
      name: 's',
      namespace: 'demo',
      resourceGroup: 'apiserversources.sources.knative.dev',
    });
    const observe = m.observer();
    const base = {
      eventId: '1',
      eventSource: 'https://api',
      eventType: 'dev.knative.apiserver.ref.add',
      role: 'subscriber' as const,
      destination: 'http://sink',
      maxAttempts: 3,
      durationMs: 1,
    };
    observe({ ...base, attempt: 1, status: 503, willRetry: true });
    observe({ ...base, attempt: 2, status: 503, willRetry: true });
    observe({ ...base, attempt: 3, status: 202, willRetry: false });
    const text = await registry.metrics();
    expect(text).toMatch(
      /event_count\{event_source="https:\/\/api",event_type="dev.knative.apiserver.ref.add",name="s",namespace_name="demo",resource_group="apiserversources.sources.knative.dev",response_code="202",response_code_class="2xx",response_error="",response_timeout=""\} 1/,
    );
    expect(text).toMatch(/retry_event_count\{[^}]*response_code="503"[^}]*\} 1/);
    expect(text).toMatch(/retry_event_count\{[^}]*response_code="202"[^}]*\} 1/);
  });
});
