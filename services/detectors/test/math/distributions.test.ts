import { describe, expect, it } from 'vitest';
import {
  digamma,
  gammaCdf,
  gammaQuantile,
  lgamma,
  negBinCdf,
  negBinQuantile,
  negBinSurvival,
  normalCdf,
  normalQuantile,
  poissonCdf,
  poissonQuantile,
  poissonSurvival,
  trigamma,
} from '../../src/math/distributions';

// Reference values printed by R 4.2.2 with sprintf("%.17g", ...).
function expectRel(actual: number, expected: number, rel: number): void {
  if (expected === 0) {
    expect(Math.abs(actual)).toBeLessThan(1e-300);
    return;
  }
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(rel);
}

describe('lgamma', () => {
  it.each([
    [0.1, 2.252712651734206],
    [0.5, 0.57236494292470008],
    [3.7, 1.4280723266653881],
    [10.2, 13.254266744235549],
    [150.5, 602.51395487058528],
    [1e5, 1051287.7089736569],
  ])('lgamma(%d) matches R', (x, r) => expectRel(lgamma(x), r, 1e-13));
});

describe('Poisson', () => {
  it.each([
    [3, 2.5, 0.75757613313306593],
    [0, 0.1, 0.90483741803595952],
    [20, 7.3, 0.9999735780216723],
    [150, 120.5, 0.99590956947958054],
    [2, 30, 4.5010166480121245e-11],
  ])('ppois(%d, %d) matches R', (k, mu, r) => expectRel(poissonCdf(k, mu), r, 1e-12));

  it.each([
    [20, 2.5, 4.1185531544820791e-13],
    [100, 30, 2.1708868310399163e-24],
  ])('ppois(%d, %d, lower.tail=FALSE) matches R', (k, mu, r) => expectRel(poissonSurvival(k, mu), r, 1e-11));

  it.each([
    [0.95, 2.5, 5],
    [0.999, 0.1, 2],
    [0.5, 7.3, 7],
    [0.99, 120.5, 147],
    [0.001, 30, 15],
    [0.975, 1e-3, 0],
  ])('qpois(%d, %d) = %d as in R', (p, mu, r) => expect(poissonQuantile(p, mu)).toBe(r));

  it('qpois inverts ppois exactly at a support point, as R does', () => {
    expect(poissonQuantile(poissonCdf(5, 3.2), 3.2)).toBe(5);
  });
});

describe('negative binomial (size, mu)', () => {
  it.each([
    [3, 2, 2.5, 0.73538925299327673],
    [0, 0.5, 1, 0.57735026918962573],
    [20, 10, 7.3, 0.99805832807273354],
    [150, 3.5, 120.5, 0.72646150706910628],
    [40, 100, 30, 0.94704965421973064],
  ])('pnbinom(%d, size=%d, mu=%d) matches R', (k, size, mu, r) => expectRel(negBinCdf(k, size, mu), r, 1e-12));

  it.each([
    [0.95, 2, 2.5, 7],
    [0.999, 0.5, 1, 13],
    [0.5, 10, 7.3, 7],
    [0.99, 3.5, 120.5, 321],
    [0.001, 100, 30, 13],
  ])('qnbinom(%d, size=%d, mu=%d) = %d as in R', (p, size, mu, r) => expect(negBinQuantile(p, size, mu)).toBe(r));

  it.each([
    [20, 2, 2.5, 4.5031647070967496e-5],
    [3, 0.5, 1, 0.080516237957262565],
    [100, 5, 10, 1.0482067353126633e-13],
  ])('pnbinom(%d, size=%d, mu=%d, lower.tail=FALSE) matches R', (k, size, mu, r) =>
    expectRel(negBinSurvival(k, size, mu), r, 1e-11));

  it('qnbinom inverts pnbinom at a support point', () => {
    expect(negBinQuantile(negBinCdf(5, 4, 3.2), 4, 3.2)).toBe(5);
  });

  it('tends to Poisson as size grows without bound', () => {
    expect(negBinCdf(4, Infinity, 3)).toBe(poissonCdf(4, 3));
  });
});

describe('normal', () => {
  it.each([
    [0, 0.5],
    [1.2345, 0.89149167663732987],
    [-2.5, 0.0062096653257761349],
    [-8.3, 5.2055697448902552e-17],
    [4.1, 0.99997934249308751],
    [0.3, 0.61791142218895267],
  ])('pnorm(%d) matches R', (x, r) => expectRel(normalCdf(x), r, 1e-13));

  it.each([
    [0.975, 1.9599639845400536],
    [0.999, 3.0902323061678132],
    [1e-10, -6.3613409024040557],
    [0.3, -0.52440051270804067],
    [0.02, -2.0537489106318225],
    [1 - 1e-12, 7.0344869100478356],
  ])('qnorm(%d) matches R', (p, r) => expectRel(normalQuantile(p), r, 1e-12));

  it('qnorm(0.5) is 0 and the tails are infinite', () => {
    expect(Math.abs(normalQuantile(0.5))).toBeLessThan(1e-16);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
});

describe('gamma', () => {
  it.each([
    [3, 2.5, 1, 0.69378108158672158],
    [0.01, 0.5, 3, 0.065074688357882729],
    [95, 100, 1, 0.31735681116979975],
  ])('pgamma(%d, %d, scale=%d) matches R', (x, shape, scale, r) => expectRel(gammaCdf(x, shape, scale), r, 1e-12));

  it.each([
    [0.95, 2.5, 1, 5.5352488467581757],
    [0.01, 0.5, 3, 0.0002356317868645531],
    [0.5, 100, 1, 99.666864919315429],
  ])('qgamma(%d, %d, scale=%d) matches R', (p, shape, scale, r) => expectRel(gammaQuantile(p, shape, scale), r, 1e-11));
});

describe('digamma and trigamma', () => {
  it.each([
    [0.3, -3.5025242222001323, 12.245364546107732],
    [4.5, 1.3888709263595289, 0.24872510303901041],
    [120, 4.7833192891185288, 0.0083681520048333163],
  ])('at %d match R', (x, psi, psi1) => {
    expectRel(digamma(x), psi, 1e-13);
    expectRel(trigamma(x), psi1, 1e-12);
  });
});
