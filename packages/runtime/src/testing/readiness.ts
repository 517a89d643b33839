/**
 * The status of an app's GET /readyz once it answered 200, or the last one seen when
 * `timeoutMs` passed first: start-up tests assert that an app becomes ready, and an app
 * that never does fails with the status it was stuck at.
 */
export async function readinessOf(port: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
    if (last === 200) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}
