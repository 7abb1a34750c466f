// Splits a send into produce requests the broker accepts. The broker refuses a record batch
// (one partition's share of a produce request) above the topic's max.message.bytes, and above
// its segment.bytes (a batch never spans segments); a whole request above
// socket.request.max.bytes is dropped with the connection. kafkajs checks none of these, so
// one send of a large batch used to fail for good with MESSAGE_TOO_LARGE.
//
// Sizes are upper bounds of the record-batch v2 encoding kafkajs writes (no compression), so
// a request built here is never larger than counted. Capping a topic's bytes in one request
// caps every partition's batch of it, whatever the key spread.
import { BusError } from './errors';
import type { OutgoingMessage, TopicBatch } from './types';

/** Bytes of a record batch's header, including the 12 bytes of offset and length in front of it. */
export const RECORD_BATCH_OVERHEAD = 61;
/** Room kept in a request for its header and each topic's and partition's framing. */
export const REQUEST_OVERHEAD = 64 * 1024;

export interface SendLimits {
  /** Most bytes of one record batch of `topic`: min(max.message.bytes, segment.bytes) of the topic. */
  batchBytes(topic: string): number;
  /** Most bytes of one produce request. */
  requestBytes: number;
  /** Where batchBytes of `topic` comes from, for error messages (e.g. "max.message.bytes of the topic"). */
  describe?(topic: string): string;
}

/** Bytes of an unsigned length as a zig-zag varint. */
function varintBytes(length: number): number {
  let zigzag = length >= 0 ? length * 2 : -length * 2 - 1;
  let bytes = 1;
  while (zigzag >= 128) {
    zigzag = Math.floor(zigzag / 128);
    bytes++;
  }
  return bytes;
}

function lengthOf(data: string | Buffer | null): number {
  return data === null ? -1 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}

/** Upper bound of the bytes one message takes in a record batch (v2, uncompressed). */
export function recordBytes(message: OutgoingMessage): number {
  const key = lengthOf(message.key);
  const value = lengthOf(message.value);
  // attributes (1), timestamp delta (varint, at most 10), offset delta (varint, at most 5).
  let body = 1 + 10 + 5 + varintBytes(key) + Math.max(key, 0) + varintBytes(value) + Math.max(value, 0);
  const headers = message.headers ? Object.entries(message.headers) : [];
  body += varintBytes(headers.length);
  for (const [name, text] of headers) {
    const n = Buffer.byteLength(name);
    const v = Buffer.byteLength(text);
    body += varintBytes(n) + n + varintBytes(v) + v;
  }
  return varintBytes(body) + body;
}

/**
 * The batches as consecutive produce requests, each within `limits`: per topic at most
 * batchBytes(topic) (its records plus one batch header), and in all at most requestBytes.
 * Order within a topic is kept (requests are sent one after the other). A topic named twice
 * is merged into one entry per request. Throws BusError RECORD_TOO_LARGE, before anything is
 * sent, when one record can never fit.
 */
export function splitUnderLimits(batches: readonly TopicBatch[], limits: SendLimits): TopicBatch[][] {
  const requestBudget = limits.requestBytes - REQUEST_OVERHEAD;
  const requests: TopicBatch[][] = [];
  let current = new Map<string, TopicBatch>();
  let currentTopicBytes = new Map<string, number>();
  let currentBytes = 0;
  for (const batch of batches) {
    const topicBudget = limits.batchBytes(batch.topic) - RECORD_BATCH_OVERHEAD;
    batch.messages.forEach((message, index) => {
      const size = recordBytes(message);
      if (size > topicBudget || size > requestBudget) {
        const [limit, what] = size > topicBudget
          ? [topicBudget + RECORD_BATCH_OVERHEAD, limits.describe?.(batch.topic) ?? `the record-batch limit of ${batch.topic}`]
          : [limits.requestBytes, 'the most bytes of one produce request'];
        throw new BusError(
          'RECORD_TOO_LARGE',
          `record ${index} for ${batch.topic} takes ${size} bytes (${size + RECORD_BATCH_OVERHEAD} with its batch header), above ${what} (${limit} bytes); nothing of this send was written`,
        );
      }
      const topicBytes = currentTopicBytes.get(batch.topic) ?? 0;
      if (currentBytes > 0 && (topicBytes + size > topicBudget || currentBytes + size > requestBudget)) {
        requests.push([...current.values()]);
        current = new Map();
        currentTopicBytes = new Map();
        currentBytes = 0;
      }
      let part = current.get(batch.topic);
      if (!part) current.set(batch.topic, (part = { topic: batch.topic, messages: [] }));
      part.messages.push(message);
      currentTopicBytes.set(batch.topic, (currentTopicBytes.get(batch.topic) ?? 0) + size);
      currentBytes += size;
    });
  }
  if (current.size > 0) requests.push([...current.values()]);
  return requests;
}
