import { loadKubeConfig } from './config.js';
import { KubeError } from './errors.js';

describe('loadKubeConfig', () => {
  it('fails naming both sources when neither KUBECONFIG nor a service account exists', () => {
    const load = () => loadKubeConfig({ env: {}, inCluster: () => false });
    expect(load).toThrow(KubeError);
    expect(load).toThrow(/KUBECONFIG is not set and no in-cluster service account/);
  });
});
