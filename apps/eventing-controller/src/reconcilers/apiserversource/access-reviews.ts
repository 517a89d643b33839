/**
 * SubjectAccessReviews for ApiServerSources, cached and bounded. Knative asks the API
 * server 3 × resources × namespaces questions on every reconcile of every source; a fleet
 * of sources then floods it. Here each answer is kept (allowed ones longer than denied
 * ones, which a Role grant should turn around quickly), identical questions in flight are
 * asked once, at most `maxInFlight` reviews run at a time, and the cache has a size cap.
 */
import type { KubeClient, KubeObject } from '@knative-ts/kube';

/** One question: may `user` do `verb` on `group/resource` in `namespace`? */
export interface AccessCheck {
  user: string;
  namespace: string;
  group: string;
  resource: string;
  verb: string;
}

/** Asks the API server one question. */
export type Review = (check: AccessCheck) => Promise<boolean>;

export interface AccessReviewsOptions {
  review: Review;
  /** How long an allowed answer is trusted (default 10 min: revocations show within it). */
  allowedTtlMs?: number;
  /** How long a denied answer is trusted (default 30 s; RBAC changes also drop them). */
  deniedTtlMs?: number;
  /** Reviews running at once (default 4). */
  maxInFlight?: number;
  /** Answers kept at most (default 10,000); the oldest go first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  allowed: boolean;
  expires: number;
}

const keyOf = (c: AccessCheck): string =>
  [c.user, c.namespace, c.group, c.resource, c.verb].join('\u0000');

/** Cached, de-duplicated, concurrency-bounded access reviews. */
export class AccessReviews {
  private readonly answers = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  /** Reviews actually sent to the API server (for tests and logs). */
  sent = 0;

  constructor(private readonly options: AccessReviewsOptions) {}

  /** Whether the check is allowed, from the cache when fresh. */
  async allowed(check: AccessCheck): Promise<boolean> {
    const key = keyOf(check);
    const now = (this.options.now ?? Date.now)();
    const cached = this.answers.get(key);
    if (cached && cached.expires > now) return cached.allowed;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const asking = this.ask(key, check).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, asking);
    return asking;
  }

  /** Forgets every denied answer (call on RBAC changes: a new grant must be seen at once). */
  forgetDenied(): void {
    for (const [key, entry] of this.answers) if (!entry.allowed) this.answers.delete(key);
  }

  private async ask(key: string, check: AccessCheck): Promise<boolean> {
    await this.slot();
    try {
      this.sent++;
      const allowed = await this.options.review(check);
      const now = (this.options.now ?? Date.now)();
      const ttl = allowed
        ? (this.options.allowedTtlMs ?? 10 * 60_000)
        : (this.options.deniedTtlMs ?? 30_000);
      this.answers.delete(key);
      this.answers.set(key, { allowed, expires: now + ttl });
      const max = this.options.maxEntries ?? 10_000;
      while (this.answers.size > max) {
        const oldest = this.answers.keys().next().value;
        if (oldest === undefined) break;
        this.answers.delete(oldest);
      }
      return allowed;
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private async slot(): Promise<void> {
    if (this.running >= (this.options.maxInFlight ?? 4)) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
  }
}

/** A SubjectAccessReview (authorization.k8s.io/v1) through `client`. */
export function subjectAccessReview(client: KubeClient): Review {
  return async (c) => {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        user: c.user,
        resourceAttributes: {
          namespace: c.namespace,
          verb: c.verb,
          group: c.group,
          resource: c.resource,
        },
      },
    } as KubeObject;
    const answer = await client.create(review);
    return (answer.status as { allowed?: boolean } | undefined)?.allowed === true;
  };
}
