import { createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * Asks the kernel for a free port on loopback. The port is released before the caller
 * binds it, so another process could take it in between; the window is a few
 * milliseconds and a clash makes the server exit early, which startup reports.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected listener address ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

/** Distinct free ports, for a server that needs several listeners. */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  // Bounded: the kernel hands out distinct ephemeral ports almost always.
  for (let attempt = 0; ports.size < count && attempt < count * 10; attempt++) {
    ports.add(await freeLoopbackPort());
  }
  if (ports.size < count) throw new Error(`could not find ${count} distinct free loopback ports`);
  return [...ports];
}
