// A fixed window of counts per bucket index (day or week) in a Uint16Array: a year
// of daily counts is 732 bytes. Counts saturate at 65,535 (far above any one key's
// incidents per day). Indexes older than the window are gone.
export const COUNT_MAX = 0xffff;

export class CountRing {
  readonly counts: Uint16Array;
  /** Index of the newest slot; everything in (last - length, last] is held. */
  last: number;

  constructor(length: number, last = Number.NEGATIVE_INFINITY) {
    this.counts = new Uint16Array(length);
    this.last = last;
  }

  get length(): number {
    return this.counts.length;
  }

  private slot(index: number): number {
    // One remainder instead of two: this runs for every observation and window read.
    const r = index % this.counts.length;
    return r < 0 ? r + this.counts.length : r;
  }

  /** Adds delta at index; false (nothing changed) when index is older than the window. */
  add(index: number, delta: number): boolean {
    if (index > this.last) this.advanceTo(index);
    else if (index <= this.last - this.counts.length) return false;
    const s = this.slot(index);
    this.counts[s] = Math.min(COUNT_MAX, Math.max(0, this.counts[s]! + delta));
    return true;
  }

  get(index: number): number {
    if (index > this.last || index <= this.last - this.counts.length) return 0;
    return this.counts[this.slot(index)]!;
  }

  /** Counts of the `length` indexes ending at `end`, oldest first, into `out` (reused to avoid garbage). */
  window(end: number, length: number, out: number[]): number[] {
    out.length = length;
    for (let i = 0; i < length; i++) out[i] = this.get(end - length + 1 + i);
    return out;
  }

  /** Zeroes slots between the old newest index and a newer one. */
  private advanceTo(index: number): void {
    const n = this.counts.length;
    if (!Number.isFinite(this.last) || index - this.last >= n) this.counts.fill(0);
    else for (let i = this.last + 1; i <= index; i++) this.counts[this.slot(i)] = 0;
    this.last = index;
  }

  /** Counts ending at `last`, oldest first, leading zeros trimmed, as little-endian uint16 base64. */
  encode(): { last: number; counts: string } {
    if (!Number.isFinite(this.last)) return { last: 0, counts: '' };
    const n = this.counts.length;
    let from = 0;
    while (from < n && this.get(this.last - n + 1 + from) === 0) from++;
    const bytes = Buffer.alloc((n - from) * 2);
    for (let i = from; i < n; i++) bytes.writeUInt16LE(this.get(this.last - n + 1 + i), (i - from) * 2);
    return { last: this.last, counts: bytes.toString('base64') };
  }

  static decode(length: number, encoded: { last: number; counts: string }): CountRing {
    const bytes = Buffer.from(encoded.counts, 'base64');
    const values = bytes.length / 2;
    const ring = new CountRing(length, values === 0 && encoded.last === 0 ? Number.NEGATIVE_INFINITY : encoded.last);
    for (let i = 0; i < values; i++) {
      const index = encoded.last - values + 1 + i;
      if (index > encoded.last - length) ring.counts[ring.slot(index)] = bytes.readUInt16LE(i * 2);
    }
    return ring;
  }
}
