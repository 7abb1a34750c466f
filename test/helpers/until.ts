// Polls a probe until it returns a value, for tests that wait on a running pipeline: the
// failure names what was awaited instead of a bare test timeout.

/** Resolves with the probe's first value other than undefined; rejects after `ms` milliseconds. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 60_000, everyMs = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
