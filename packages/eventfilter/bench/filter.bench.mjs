// Trigger filter throughput on 1 KiB events: the legacy attributes filter, a 3-key exact
// filter, and a typical CESQL expression. Prints matches/s; asserts nothing.
// Usage: npm run bench -w @knative-ts/eventfilter [-- <iterations>]
import console from 'node:console';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { compileTriggerFilter } from '../dist/index.js';

const ITERATIONS = Number(process.argv[2] ?? 2_000_000);

// 1 KiB of data; filters only read attributes, but the event is shaped like a real one.
const event = {
  attributes: {
    specversion: '1.0',
    id: 'a5f6e0b4-9c1d-4c33-8d7e-7f1b2d3e4f50',
    source: '/apis/v1/namespaces/default/orders',
    type: 'com.example.order.created',
    subject: 'order-42',
    time: '2026-06-01T12:00:00Z',
    datacontenttype: 'application/json',
    region: 'eu-west-1',
    priority: '7',
    knativearrivaltime: '2026-06-01T12:00:00.001Z',
  },
  data: new Uint8Array(1024).fill(97),
};

const cases = {
  'attributes (type + source)': {
    filter: { attributes: { type: 'com.example.order.created', source: event.attributes.source } },
  },
  'exact, 3 keys': {
    filters: [
      {
        exact: { type: 'com.example.order.created', region: 'eu-west-1', subject: 'order-42' },
      },
    ],
  },
  'cesql (typical)': {
    filters: [
      {
        cesql:
          "type LIKE 'com.example.order.%' AND region IN ('eu-west-1', 'eu-central-1') AND INT(priority) >= 5",
      },
    ],
  },
};

for (const [name, spec] of Object.entries(cases)) {
  const compiled = compileTriggerFilter(spec);
  if (!compiled.ok) throw new Error(`${name}: ${JSON.stringify(compiled.errors)}`);
  let hits = 0;
  for (let i = 0; i < 100_000; i++) if (compiled.matches(event)) hits++; // warm-up
  hits = 0;
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) if (compiled.matches(event)) hits++;
  const seconds = (performance.now() - start) / 1000;
  if (hits !== ITERATIONS) throw new Error(`${name}: expected every event to match`);
  const perSecond = Math.round(ITERATIONS / seconds).toLocaleString('en-US');
  console.log(`${name.padEnd(28)} ${perSecond.padStart(14)} matches/s`);
}
