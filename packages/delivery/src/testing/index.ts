export {
  startEventServer,
  type EventServer,
  type RecordedRequest,
  type Script,
  type ScriptedResponse,
} from './event-server.js';
export { externalName, localSlice, service } from './local-registration.js';
export {
  sequentialRequest,
  type SequentialAnswer,
  type SequentialRequest,
} from './sequential-client.js';
