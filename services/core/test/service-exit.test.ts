import { describe, expect, it } from 'vitest';
import { BusError, EXIT_CONSUMER_FAILED, exitOnConsumerFailure, silentLogger } from '../src/index';

const failure = { groupId: 'g', error: new BusError('CONSUMER_FAILED', 'consumer of group g stopped for good: boom') };

describe('exitOnConsumerFailure', () => {
  it('stops the service, then exits with 70, once however many failures arrive', async () => {
    const events: string[] = [];
    const exited = new Promise<number>((resolve) => {
      const handler = exitOnConsumerFailure(silentLogger(), async () => void events.push('stopped'), { exit: (code) => (events.push(`exit ${code}`), resolve(code)) });
      handler(failure);
      handler(failure);
    });
    expect(await exited).toBe(EXIT_CONSUMER_FAILED);
    expect(events).toEqual(['stopped', 'exit 70']);
  });

  it('exits even when the stop hangs or fails', async () => {
    const hung = await new Promise<number>((resolve) => exitOnConsumerFailure(silentLogger(), () => new Promise(() => {}), { timeoutMs: 50, exit: resolve })(failure));
    expect(hung).toBe(70);
    const failed = await new Promise<number>((resolve) => exitOnConsumerFailure(silentLogger(), async () => Promise.reject(new Error('broker gone')), { exit: resolve })(failure));
    expect(failed).toBe(70);
  });
});
