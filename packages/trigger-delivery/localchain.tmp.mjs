import { PerformanceObserver, performance } from 'node:perf_hooks';
import { ChannelMetrics, Sender, observeAll, logDeliveryFailures } from '@knative-ts/delivery';
import { Registry, createLogger } from '@knative-ts/runtime';
import { FilterMetrics, TriggerTable, localTriggerDelivery } from './dist/index.js';
const log = createLogger({ component: 'b', level: 'silent' });
const FILTER = 'broker-filter.knative-eventing.svc.cluster.local';
const N = Number(process.env.N ?? 10);
const registry = new Registry();
const transport = { async post() { return { status: 202, headers: {}, body: new Uint8Array() }; }, async close() {} };
const table = new TriggerTable();
for (let i = 0; i < N; i++) table.set({ namespace: 'ns', name: `t${i}`, uid: `u${i}`, broker: 'b', subscriberUri: `http://sink-${i}.ns.svc.cluster.local/`, matches: () => true, delivery: { retry: 0, format: 'binary' }, filterType: 'any' });
const local = localTriggerDelivery({ brokerFilterHost: FILTER, triggers: table, brokers: { timeoutOf: () => undefined }, sender: new Sender({ transport, observer: observeAll(logDeliveryFailures(log)) }), metrics: new FilterMetrics({ registry, podName: 'p', containerName: 'c' }), log });
const cm = new ChannelMetrics({ registry, podName: 'p', containerName: 'c' });
const outer = new Sender({ transport, localDestinations: local, observer: observeAll(cm.observer('ns'), logDeliveryFailures(log)) });
const subs = Array.from({ length: N }, (_, i) => ({ subscriber: `http://${FILTER}/triggers/ns/t${i}/u${i}`, reply: 'http://broker-ingress.knative-eventing.svc.cluster.local/ns/b', config: { retry: 3, format: 'binary', backoffDelayMs: 200, backoffPolicy: 'exponential' } }));
const headers = { 'content-type': 'application/octet-stream', 'ce-specversion': '1.0', 'ce-id': 'x', 'ce-source': '/b', 'ce-type': 't', 'x-request-id': 'r', traceparent: '00-abc', host: 'x', 'content-length': '1024', connection: 'keep-alive' };
let seq = 0;
const mk = () => ({ attributes: { specversion: '1.0', id: `e${seq++}`, source: '/bench', type: 'dev.bench', knativebrokerttl: '255', knativearrivaltime: new Date().toISOString(), datacontenttype: 'application/octet-stream' }, data: new Uint8Array(1024) });
async function one() {
  const event = mk();
  await Promise.all(subs.map((s) => outer.dispatch(event, { ...s, headers, namespace: 'ns' })));
}
let gcMs = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });
async function run(count) { let next = 0; const t0 = performance.now(); gcMs = 0; await Promise.all(Array.from({ length: 32 }, async () => { while (next++ < count) await one(); })); const ms = performance.now() - t0; return { usPerDelivery: (1000 * ms) / count / N, gcUsPerDelivery: (1000 * gcMs) / count / N }; }
await run(3000);
for (let r = 0; r < 4; r++) { const x = await run(20000); console.log(`us/delivery ${x.usPerDelivery.toFixed(2)}  gc us/delivery ${x.gcUsPerDelivery.toFixed(2)}`); }
