#!/usr/bin/env node
// One test service per process: `node dist/main.js <appender|filter|transformer|event-display>`
// (or SERVICE=<name>), listening on PORT (default 8080; 0 = any free port, logged as `port`);
// or the heartbeats source, `node dist/main.js heartbeats --period=<s>`, sending to K_SINK.
import { createLogger, installShutdown, oneOf, port, readConfig } from '@knative-ts/runtime';
import { heartbeatsConfig, runHeartbeats } from './heartbeats.js';
import { createService, isServiceName, SERVICE_NAMES } from './services.js';
import { startService } from './server.js';

const name = process.argv[2] ?? process.env['SERVICE'];
const config = readConfig(process.env, {
  PORT: port(8080),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, 'info'),
});
const log = createLogger({
  component: `test-service-${name ?? 'unknown'}`,
  level: config.LOG_LEVEL,
});
if (name === 'heartbeats') {
  // A source, not a subscriber: it sends to K_SINK and serves nothing.
  const stop = new AbortController();
  installShutdown({ log, timeoutMs: 5_000 }).register('heartbeats', () => stop.abort());
  await runHeartbeats(heartbeatsConfig(process.argv.slice(3), process.env), stop.signal, (f, m) =>
    log.info(f, m),
  );
  process.exit(0);
}
if (!isServiceName(name)) {
  log.fatal({ service: name, known: SERVICE_NAMES }, 'unknown service');
  process.exit(2);
}
const service = createService(name, {
  env: process.env,
  log,
  print: (text) => process.stdout.write(text),
});
const receiver = await startService({ port: config.PORT, service, log });
installShutdown({ log, timeoutMs: 5_000 }).register('receiver', () => receiver.close());
log.info({ service: name, port: receiver.port }, 'test service listening');
