/**
 * kafkajs puts every topic a client has touched into each later metadata request, and a
 * response naming a topic that no longer exists fails the whole refresh with
 * UNKNOWN_TOPIC_OR_PARTITION (tulios/kafkajs#1146, #1622, unfixed). So once one
 * KafkaChannel is deleted, a long-lived producer or admin that used its topic fails for
 * every other channel, for good. The clients shared across channels therefore track what
 * they touched and are replaced once one of those topics goes away.
 */

/** The topics one client instance has asked Kafka about. */
export class TouchedTopics {
  private readonly topics = new Set<string>();

  add(topic: string): void {
    this.topics.add(topic);
  }

  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** The client was replaced: the new one has touched nothing yet. */
  clear(): void {
    this.topics.clear();
  }
}

const UNKNOWN_TOPIC = 'UNKNOWN_TOPIC_OR_PARTITION';

/**
 * Whether `err`, or an error it wraps (kafkajs's retry and aggregate errors), says that a
 * topic in the request does not exist.
 */
export function isUnknownTopicError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const e = err as { type?: unknown; originalError?: unknown; cause?: unknown; errors?: unknown };
  if (e.type === UNKNOWN_TOPIC) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isUnknownTopicError(inner, depth + 1)))
    return true;
  return isUnknownTopicError(e.originalError, depth + 1) || isUnknownTopicError(e.cause, depth + 1);
}
