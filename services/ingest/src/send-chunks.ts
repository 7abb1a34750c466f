// Splits one batch's output into produce requests the broker accepts. A batch of 5,000
// records makes ~5 MB of events; the broker refuses a record batch (one per partition per
// request) above message.max.bytes, 1 MB by default. Capping the bytes of a whole request
// caps every partition's share of it, whatever the topic's partition count or key spread.
import type { OutgoingMessage, TopicBatch } from '@tocsin/core';

/** Room under the broker's default 1,048,588 bytes for record and batch overhead. */
export const MAX_SEND_BYTES = 900 * 1024;

/** Bytes a message adds to a request, near enough: key, value, header names and values. */
function sizeOf(message: OutgoingMessage): number {
  const { key, value } = message;
  let size = 70 + (value === null ? 0 : Buffer.byteLength(value)) + (key === null ? 0 : Buffer.byteLength(key));
  if (message.headers) for (const name in message.headers) size += name.length + Buffer.byteLength(message.headers[name]!) + 2;
  return size;
}

/**
 * The batches as consecutive requests of at most maxBytes each (a single larger message goes
 * alone: the broker's answer, not ours, decides about it). Order within a topic is kept.
 */
export function splitForSend(batches: readonly TopicBatch[], maxBytes = MAX_SEND_BYTES): TopicBatch[][] {
  const requests: TopicBatch[][] = [];
  let current: TopicBatch[] = [];
  let currentBytes = 0;
  for (const batch of batches) {
    let part: TopicBatch | null = null;
    for (const message of batch.messages) {
      const size = sizeOf(message);
      if (currentBytes > 0 && currentBytes + size > maxBytes) {
        requests.push(current);
        current = [];
        currentBytes = 0;
        part = null;
      }
      if (part === null) current.push((part = { topic: batch.topic, messages: [] }));
      part.messages.push(message);
      currentBytes += size;
    }
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
