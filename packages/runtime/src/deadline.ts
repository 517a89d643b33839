/**
 * `work`, or a rejection once `ms` have passed. `work` itself goes on and is left to
 * settle on its own: its late failure is dropped, since nobody waits for it any more.
 * For a client call that may retry far longer than its caller can wait (kafkajs's
 * connect and send retries), so that one stuck call does not hold up what is behind it.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
