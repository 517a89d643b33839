import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { KubeClient } from '@knative-ts/kube';
import { LeaderElector, type Logger } from '@knative-ts/reconciler';
import { newApiServerSourceController } from './reconcilers/apiserversource/controller.js';
import { newBrokerController } from './reconcilers/broker/controller.js';
import { newChannelController } from './reconcilers/channel/controller.js';
import type { ControllerDeps } from './reconcilers/deps.js';
import { newEventTypeController } from './reconcilers/eventtype/controller.js';
import { newContainerSourceController } from './reconcilers/containersource/controller.js';
import { newInMemoryChannelController } from './reconcilers/inmemorychannel/controller.js';
import type { StreamStore } from './reconcilers/natsschannel/jetstream-streams.js';
import { newJetStreamChannelControllers } from './reconcilers/natsschannel/controller.js';
import { newKafkaChannelController } from './reconcilers/kafkachannel/controller.js';
import { newParallelController } from './reconcilers/parallel/controller.js';
import { newPingSourceController } from './reconcilers/pingsource/controller.js';
import { newSinkBindingController } from './reconcilers/sinkbinding/controller.js';
import { newSequenceController } from './reconcilers/sequence/controller.js';
import { newSubscriptionController } from './reconcilers/subscription/controller.js';
import { newTriggerController } from './reconcilers/trigger/controller.js';
import { DynamicInformers } from './references/dynamic-informers.js';

export interface ControllersOptions {
  client: KubeClient;
  systemNamespace: string;
  clusterDomain: string;
  logger: Logger;
  /** The API server URL (source of ApiServerSource events). */
  apiServerHost?: string;
  /** Image of the ApiServerSource adapter Deployments. */
  apiServerAdapterImage?: string;
  /** JetStream streams of NatssChannels; undefined when NATS is not configured. */
  streams?: StreamStore | undefined;
}

/** The running controllers: ready once leading with every informer synced. */
export interface RunningControllers {
  ready(): boolean;
  stop(): Promise<void>;
}

/**
 * Campaigns for the `eventing-controller` Lease in the system namespace and, while
 * leading, runs every reconciler. A replica that loses the lease stops its controllers
 * and exits through `onLostLeadership`, as client-go controllers do, so it restarts clean.
 */
export function startControllers(
  options: ControllersOptions,
  onLostLeadership: () => void,
): RunningControllers {
  const { client, systemNamespace, clusterDomain, logger } = options;
  const informers = new DynamicInformers({ client, logger });
  const deps: ControllerDeps = { client, informers, systemNamespace, clusterDomain, logger };
  if (options.apiServerHost) deps.apiServerHost = options.apiServerHost;
  if (options.apiServerAdapterImage) deps.apiServerAdapterImage = options.apiServerAdapterImage;
  const controllers: Array<{ start(): Promise<void>; stop(): Promise<void> }> = [];
  let synced = false;
  let stopping = false;

  const elector = new LeaderElector({
    client,
    namespace: systemNamespace,
    name: 'eventing-controller',
    identity: `${hostname()}_${randomUUID()}`,
    logger,
    onStartedLeading: () => {
      controllers.push(
        newInMemoryChannelController(deps),
        newKafkaChannelController(deps),
        newChannelController(deps),
        newSubscriptionController(deps),
        newBrokerController(deps),
        newTriggerController(deps),
        newSequenceController(deps),
        newParallelController(deps),
        newPingSourceController(deps),
        newEventTypeController(deps),
        newApiServerSourceController(deps),
        newSinkBindingController(deps),
        newContainerSourceController(deps),
        ...newJetStreamChannelControllers(deps, options.streams),
      );
      void Promise.all(controllers.map((c) => c.start())).then(
        () => {
          synced = true;
          logger.info({ controllers: controllers.length }, 'controllers started');
        },
        (err: unknown) => logger.error({ err }, 'controllers failed to start'),
      );
    },
    onStoppedLeading: () => {
      if (!stopping) onLostLeadership();
    },
  });
  elector.start();

  return {
    ready: () => synced && elector.isLeader(),
    async stop() {
      stopping = true;
      await Promise.all(controllers.map((c) => c.stop()));
      await informers.stop();
      await elector.stop();
    },
  };
}
