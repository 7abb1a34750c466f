// Due-time queue of pending deliveries: a binary min-heap on (due time, id) with
// lazy removal, so rescheduling one of thousands of pending retries is O(log n).

interface Entry {
  at: number;
  id: string;
}

export class TimerQueue {
  private heap: Entry[] = [];
  /** Current due time per id; heap entries that disagree are stale. */
  private readonly due = new Map<string, number>();

  get size(): number {
    return this.due.size;
  }

  has(id: string): boolean {
    return this.due.has(id);
  }

  set(id: string, at: number): void {
    this.due.set(id, at);
    this.push({ at, id });
  }

  delete(id: string): void {
    this.due.delete(id);
  }

  /** Earliest due time, or null when empty. */
  peekTime(): number | null {
    this.dropStale();
    return this.heap[0]?.at ?? null;
  }

  /** Removes and returns the id of the earliest entry due at or before `now`. */
  popDue(now: number): string | null {
    this.dropStale();
    const top = this.heap[0];
    if (!top || top.at > now) return null;
    this.pop();
    this.due.delete(top.id);
    return top.id;
  }

  private dropStale(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (this.due.get(top.id) === top.at) return;
      this.pop();
    }
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.id < b.id);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
