import { describe, expect, it } from 'vitest';
import { OTHER_ROUTES, RouteDisplacement, chiSquareHomogeneity, chunkDispersion, displacementKeys, jensenShannon, twoProportionP, type DisplacementSignal } from '../../src/emergence';
import { seededRng } from './random';

const A = 'MA>ES|sea';
const B = 'DZ>IT|sea';
const C = 'TR>GR|land';

/** Feeds `days` of daily counts with the given route shares (Poisson totals), closing each day. */
function feed(d: RouteDisplacement, rng: ReturnType<typeof seededRng>, from: number, days: number, perDay: number, shares: Record<string, number>): DisplacementSignal[] {
  const signals: DisplacementSignal[] = [];
  let serial = from * 1000;
  for (let day = from; day < from + days; day++) {
    const n = rng.poisson(perDay);
    for (let i = 0; i < n; i++) {
      let u = rng.next();
      let route = Object.keys(shares)[0]!;
      for (const [r, s] of Object.entries(shares)) {
        if (u < s) {
          route = r;
          break;
        }
        u -= s;
      }
      d.add('EU', route, day, `p:${serial++}`);
    }
    signals.push(...d.close(day));
  }
  return signals;
}

describe('RouteDisplacement', () => {
  it('fires when shares move 70/30 → 40/60, naming the losing and gaining route', () => {
    const d = new RouteDisplacement();
    const rng = seededRng(21);
    expect(feed(d, rng, 0, 70, 10, { [A]: 0.7, [B]: 0.3 })).toEqual([]);
    const signals = feed(d, rng, 70, 14, 10, { [A]: 0.4, [B]: 0.6 });
    expect(signals.length).toBe(1);
    const s = signals[0]!;
    expect(s.losing.map((r) => r.route)).toEqual([A]);
    expect(s.gaining.map((r) => r.route)).toEqual([B]);
    expect(s.pValue).toBeLessThan(0.01);
    expect(s.divergence).toBeGreaterThan(0.02);
    expect(s.incidentIds.length).toBeGreaterThan(0);
    expect(s.observed).toBeGreaterThan(s.expected);
    // Flagged within the recent window of the change.
    expect(s.bucket - 70).toBeLessThan(14);
  });

  it('stays silent on random noise around stable shares (3 seeds × 2 years)', () => {
    for (const seed of [1, 2, 3]) {
      const d = new RouteDisplacement();
      expect(feed(d, seededRng(seed), 0, 730, 12, { [A]: 0.6, [B]: 0.25, [C]: 0.15 })).toEqual([]);
    }
  });

  it('a new route growing beside a steady one is a surge, not a displacement', () => {
    const d = new RouteDisplacement();
    const rng = seededRng(8);
    feed(d, rng, 0, 70, 10, { [A]: 0.7, [B]: 0.3 });
    // A keeps its 7 a day; B goes from 3 to 13 a day: A's share drops 70 → 35 %, its traffic does not.
    expect(feed(d, rng, 70, 28, 20, { [A]: 0.35, [B]: 0.65 })).toEqual([]);
  });

  it('stays silent on clustered (over-dispersed) noise: one seizure, several records', () => {
    for (const seed of [5, 6]) {
      const rng = seededRng(seed);
      const d = new RouteDisplacement();
      let serial = 0;
      const signals: DisplacementSignal[] = [];
      for (let day = 0; day < 365; day++) {
        for (let e = rng.poisson(3); e > 0; e--) {
          const route = rng.next() < 0.6 ? A : B;
          for (let k = 1 + rng.int(8); k > 0; k--) d.add('EU', route, day, `c:${serial++}`);
        }
        signals.push(...d.close(day));
      }
      expect(signals).toEqual([]);
      expect(d.shares('EU', 364)!.dispersion).toBeGreaterThan(2);
    }
  });

  it('needs enough incidents in both windows', () => {
    const d = new RouteDisplacement({ minIncidents: 30 });
    const rng = seededRng(4);
    feed(d, rng, 0, 70, 1, { [A]: 0.7, [B]: 0.3 });
    expect(feed(d, rng, 70, 14, 1, { [A]: 0.0, [B]: 1 })).toEqual([]); // ~14 recent incidents
  });

  it('pools small routes into one column and stays within maxRoutesPerGroup', () => {
    const d = new RouteDisplacement({ maxRoutesPerGroup: 3 });
    for (let i = 0; i < 10; i++) d.add('NL', `R${i}`, 0);
    const view = d.shares('NL', 0)!;
    expect(view.routes.map((r) => r.route)).toEqual([OTHER_ROUTES]); // every route below minRouteIncidents
    expect(view.recentTotal).toBe(10);
    expect(d.toJSON().groups[0]!.routes).toHaveLength(3);
  });

  it('keeps counts of open buckets ahead of the one being closed apart from the windows', () => {
    const d = new RouteDisplacement({ recentBuckets: 2, baselineBuckets: 3, aheadBuckets: 2 });
    d.add('NL', A, 10);
    d.add('NL', A, 12); // an open bucket, two ahead
    expect(d.shares('NL', 10)!.recentTotal).toBe(1);
    expect(d.shares('NL', 12)!.recentTotal).toBe(1);
    expect(d.shares('NL', 12)!.baselineTotal).toBe(1);
  });

  it('round-trips through JSON and goes on identically', () => {
    const rng1 = seededRng(21);
    const rng2 = seededRng(21);
    const a = new RouteDisplacement();
    feed(a, rng1, 0, 70, 10, { [A]: 0.7, [B]: 0.3 });
    feed(a, rng2, 0, 70, 10, { [A]: 0.7, [B]: 0.3 }); // rng2 in step with rng1
    const b = RouteDisplacement.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    const fromA = feed(a, rng1, 70, 14, 10, { [A]: 0.4, [B]: 0.6 });
    const fromB = feed(b, rng2, 70, 14, 10, { [A]: 0.4, [B]: 0.6 });
    expect(fromB).toEqual(fromA);
  });

  it('groups by destination, optionally with modality', () => {
    expect(displacementKeys({ origin: 'MA', transit: [], destination: 'ES' }, 'sea')).toEqual({ group: 'ES|sea', route: 'MA>ES|sea' });
    expect(displacementKeys({ origin: 'MA', transit: [], destination: 'ES' }, 'sea', false).group).toBe('ES');
  });
});

// Reference values from R: chisq.test(rbind(c(392,168), c(56,84)), correct = FALSE),
// prop.test(..., correct = FALSE).
describe('displacement statistics match R', () => {
  it('chi-square homogeneity', () => {
    const { chiSquare, df } = chiSquareHomogeneity([392, 168], [56, 84]);
    expect(chiSquare).toBeCloseTo(43.75, 10);
    expect(df).toBe(1);
    const three = chiSquareHomogeneity([50, 30, 20], [20, 45, 35]);
    expect(three.chiSquare).toBeCloseTo(19.9480519480519, 10);
    expect(three.df).toBe(2);
  });

  it('two-proportion z-test p-values', () => {
    expect(twoProportionP(56, 140, 392, 560) / 3.73116520822414e-11).toBeCloseTo(1, 8);
    expect(twoProportionP(20, 100, 50, 100) / 8.68771167700005e-6).toBeCloseTo(1, 8);
  });

  it('dispersion φ: 1 for binomial-like tables, X²/df beyond it', () => {
    expect(chunkDispersion([[10, 10, 10], [10, 10, 10]])).toBe(1);
    // X² of rbind(c(30, 10), c(10, 30)) is 20 on 1 df.
    expect(chunkDispersion([[30, 10], [10, 30]])).toBeCloseTo(20, 10);
    expect(chunkDispersion([[5, 5]])).toBe(1);
  });

  it('Jensen–Shannon divergence in bits', () => {
    expect(jensenShannon([0.7, 0.3], [0.4, 0.6])).toBeCloseTo(0.0667, 3);
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(jensenShannon([0.5, 0.5], [0.5, 0.5])).toBe(0);
  });
});
