// The demo receiver takes requests from anyone on loopback: whatever they send,
// its pages answer and the process lives on (issue 9 finding 1).
import { describe, expect, it, onTestFinished } from 'vitest';
import { startDemoReceiver } from '../src/demo-receiver';


describe('demo receiver', () => {
  it('shows a body that is not JSON as text instead of crashing on it', async () => {
    const receiver = await startDemoReceiver({ secrets: () => [] });
    onTestFinished(() => receiver.close());
    for (const body of ['not json', '', 'null', '{"type":', '[1,2']) {
      expect((await fetch(receiver.url, { method: 'POST', body })).status).toBe(401);
    }
    const page = await fetch(receiver.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('not json');
    const listed = (await (await fetch(`${receiver.url}deliveries`)).json()) as Array<{ body: string; type: string | null }>;
    expect(listed.map((w) => w.body)).toEqual(['not json', '', 'null', '{"type":', '[1,2']);
    expect(listed.every((w) => w.type === null)).toBe(true);
  });

  it('answers 500 and reports a request it fails to handle', async () => {
    const errors: unknown[] = [];
    const receiver = await startDemoReceiver({
      secrets: () => [],
      respond: () => { throw new Error('scripted failure'); },
      onError: (err) => errors.push(err),
    });
    onTestFinished(() => receiver.close());
    expect((await fetch(receiver.url, { method: 'POST', body: '{}' })).status).toBe(500);
    expect(errors).toHaveLength(1);
    expect((await fetch(receiver.url)).status).toBe(200);
  });
});
