// Group commit for delivery records. The Kafka producer is idempotent with one
// request in flight, so one send per record would cap deliveries at one broker
// round trip each. Records written while a send is in flight are collected and
// go out together in the next send; every caller's promise resolves when the
// send carrying its records is acknowledged (or rejects with its error).
import type { OutgoingMessage, Producer } from '@tocsin/core';

interface Waiting {
  messages: OutgoingMessage[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupWriter {
  private waiting: Waiting[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly topic: string,
    private readonly producer: () => Promise<Producer>,
    /** Most messages per send. */
    private readonly maxBatch = 500,
  ) {}

  write(messages: OutgoingMessage[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ messages, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Resolves when everything written so far is acknowledged or failed. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const group: Waiting[] = [];
        let size = 0;
        while (this.waiting.length > 0 && (group.length === 0 || size + this.waiting[0]!.messages.length <= this.maxBatch)) {
          const w = this.waiting.shift()!;
          group.push(w);
          size += w.messages.length;
        }
        try {
          const producer = await this.producer();
          await producer.send([{ topic: this.topic, messages: group.flatMap((w) => w.messages) }]);
          for (const w of group) w.resolve();
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}
