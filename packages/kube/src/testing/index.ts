export {
  FakeKubeClient,
  type FakeAction,
  type FakeKubeClientOptions,
  type Reactor,
} from './fake-kube-client.js';
