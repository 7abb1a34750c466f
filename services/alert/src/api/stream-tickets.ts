// Tickets for the alert change stream. A browser's EventSource cannot send an
// Authorization header, and an API key must never ride in a URL (proxies and
// browser history keep URLs). So an authenticated POST trades the key for a
// ticket: 256 random bits, single use, valid for a minute, bound to the key's
// principal. Only the ticket's SHA-256 is held, as with API keys.
import { createHash, randomBytes } from 'node:crypto';
import { ApiError, type Principal } from '@tocsin/http';

export interface TicketLimits {
  ttlMs: number;
  /** Unredeemed tickets one key may hold; more answer 429 (a tab asks for one per connection). */
  outstandingPerKey: number;
}

interface Held {
  principal: Principal;
  expiresAt: number;
}

const hash = (ticket: string): string => createHash('sha256').update(ticket, 'utf8').digest('hex');

export class StreamTickets {
  private readonly held = new Map<string, Held>();

  constructor(private readonly limits: TicketLimits, private readonly clock: () => number) {}

  issue(principal: Principal): { ticket: string; expires_at: string } {
    const now = this.clock();
    this.sweep(now);
    let outstanding = 0;
    for (const h of this.held.values()) if (h.principal.keyId === principal.keyId) outstanding++;
    if (outstanding >= this.limits.outstandingPerKey) {
      throw new ApiError('rate_limited', `this key holds ${outstanding} unused stream tickets (at most ${this.limits.outstandingPerKey}); use one or wait for them to expire`, {
        'retry-after': String(Math.ceil(this.limits.ttlMs / 1000)),
      });
    }
    const ticket = `tst_${randomBytes(32).toString('base64url')}`;
    const expiresAt = now + this.limits.ttlMs;
    this.held.set(hash(ticket), { principal, expiresAt });
    return { ticket, expires_at: new Date(expiresAt).toISOString() };
  }

  /** The ticket's principal, once: a ticket is spent by its first use. Null when unknown, spent or expired. */
  redeem(ticket: string): Principal | null {
    const now = this.clock();
    const key = hash(ticket);
    const held = this.held.get(key);
    this.held.delete(key);
    this.sweep(now);
    return held && now < held.expiresAt ? held.principal : null;
  }

  private sweep(now: number): void {
    for (const [key, h] of this.held) if (now >= h.expiresAt) this.held.delete(key);
  }
}
