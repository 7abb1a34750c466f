// Circuit breakers, one per key (the delivery service uses one per subscription):
// after `failureThreshold` consecutive failures the key is left alone for `openMs`
// (doubling on each failed probe, up to `maxOpenMs`), then one probe is let through
// (half-open). A receiver that is down is not hammered by every pending delivery,
// and it recovers to full speed on the first success. Throttling answers
// (429/502/504) do not count as failures: the endpoint is alive and told us when
// to come back. The key is the unit of blame: keying by host:port let one agency's
// failing URL hold back another agency's deliveries to the same host.

export interface BreakerPolicy {
  failureThreshold: number;
  openMs: number;
  maxOpenMs: number;
}

type State = { kind: 'closed'; failures: number } | { kind: 'open'; until: number; openMs: number } | { kind: 'half-open'; openMs: number; probing: boolean };

export interface BreakerSnapshot {
  /** The breaker's key (a subscription id in the delivery service). */
  key: string;
  state: 'closed' | 'open' | 'half-open';
  failures: number;
  open_until: number | null;
}

export class CircuitBreakers {
  private readonly states = new Map<string, State>();

  constructor(private readonly policy: BreakerPolicy) {}

  /** When the key may next be tried: `now` if a request may go out right away. */
  availableAt(key: string, now: number): number {
    const state = this.states.get(key);
    if (!state || state.kind === 'closed') return now;
    if (state.kind === 'open') {
      if (now < state.until) return state.until;
      this.states.set(key, { kind: 'half-open', openMs: state.openMs, probing: false });
      return now;
    }
    // Half-open: one probe at a time; everyone else waits a little.
    return state.probing ? now + Math.min(1000, state.openMs) : now;
  }

  /** Call just before a request goes out (marks the half-open probe). */
  onRequest(key: string): void {
    const state = this.states.get(key);
    if (state?.kind === 'half-open') state.probing = true;
  }

  onSuccess(key: string): void {
    this.states.set(key, { kind: 'closed', failures: 0 });
  }

  onFailure(key: string, now: number): void {
    const state = this.states.get(key) ?? { kind: 'closed', failures: 0 };
    if (state.kind === 'half-open') {
      const openMs = Math.min(state.openMs * 2, this.policy.maxOpenMs);
      this.states.set(key, { kind: 'open', until: now + openMs, openMs });
      return;
    }
    if (state.kind === 'open') return;
    const failures = state.failures + 1;
    if (failures >= this.policy.failureThreshold) this.states.set(key, { kind: 'open', until: now + this.policy.openMs, openMs: this.policy.openMs });
    else this.states.set(key, { kind: 'closed', failures });
  }

  snapshot(): BreakerSnapshot[] {
    return [...this.states].map(([key, s]) => ({
      key,
      state: s.kind,
      failures: s.kind === 'closed' ? s.failures : 0,
      open_until: s.kind === 'open' ? s.until : null,
    }));
  }
}
