// Bounded real-time waits of the tests, for socket and process traffic only (a firmware booted
// on virtual time is advanced with runUntil of ./firmware-rig.ts instead).

/** Polls `check` every `stepMs` until it returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
  const steps = Math.ceil(timeoutMs / stepMs);
  for (let i = 0; i <= steps; i++) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await sleep(stepMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** waitUntil for a condition on socket traffic: checked every 5 ms, for at most `maxMs`. */
export async function waitFor(what: string, predicate: () => boolean, maxMs = 3000): Promise<void> {
  await waitUntil(what, predicate, maxMs, 5);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets the queued promise jobs run: the OCPP engine sends its frames from one (ocpp/rpc/engine.ts). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
