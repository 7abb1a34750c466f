// Values from R 4.x: stats::glm(..., family = quasipoisson), summary.glm, hatvalues,
// predict.glm (script in the comments of each block; printed with options(digits = 17)).
import { describe, expect, it } from 'vitest';
import { coefficientPValue, fitPoissonGlm, predictLink, predictResponse } from '../../src/math/glm';
import { studentTTwoSidedPValue } from '../../src/math/student-t';

const y = [3, 0, 5, 2, 8, 4, 1, 6, 9, 2, 0, 7];
const t = y.map((_, i) => i + 1);

function expectClose(actual: readonly number[], expected: readonly number[], rel = 1e-9): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThanOrEqual(rel * Math.abs(expected[i]!) + 1e-14));
}

describe('fitPoissonGlm', () => {
  // glm(y ~ t, family = quasipoisson)
  const m1 = fitPoissonGlm({ design: t.map((ti) => [1, ti]), response: y });

  it('matches R coefficients, iterations and deviance', () => {
    expectClose(m1.coefficients, [1.0681027779869077, 0.043947263598101832]);
    expect(m1.converged).toBe(true);
    expect(m1.iterations).toBe(5);
    expectClose([m1.deviance], [31.479692860733675]);
    expect(m1.dfResidual).toBe(10);
  });

  it('matches summary(m)$dispersion, hatvalues and the coefficient t tests', () => {
    expectClose([m1.dispersion], [2.5046588657135533]);
    expectClose(m1.hatValues, [
      0.26428306597593987, 0.21263569724223874, 0.16783574712855942, 0.13114283711901803, 0.10394021561763313, 0.087744414080537583,
      0.084215570239013535, 0.09516846106450351, 0.12258429071151843, 0.1686232814097382, 0.23563811817109223, 0.32618830124020731,
    ]);
    expectClose([coefficientPValue(m1, 0), coefficientPValue(m1, 1)], [0.069805663209504681, 0.52872221046512857]);
  });

  it('matches predict.glm on the link and response scales', () => {
    const link = predictLink(m1, [1, 13], 0, m1.dispersion);
    expectClose([link.eta, link.seEta], [1.6394172047622315, 0.46409634785209958]);
    const resp = predictResponse(m1, [1, 13], 0, 2.5); // predict(..., type = "response", dispersion = 2.5)
    expectClose([resp.mu, resp.seMu], [5.1521659793004195, 2.38887655954932]);
  });

  // glm(y ~ t + g + offset(log(pop)), family = quasipoisson, weights = w), g = factor(rep(1:3, 4))
  it('handles prior weights, an offset and factor dummies', () => {
    const w = [1, 1, 0.5, 1, 2, 1, 1, 0.25, 1, 1, 1, 1.5];
    const pop = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210];
    const design = t.map((ti, i) => [1, ti, i % 3 === 1 ? 1 : 0, i % 3 === 2 ? 1 : 0]);
    const m2 = fitPoissonGlm({ design, response: y, priorWeights: w, offset: pop.map(Math.log) });
    expectClose(m2.coefficients, [-3.8774971400708615, -0.068794346175265489, 0.71693695015377612, 1.187645239197691]);
    expectClose([m2.dispersion], [2.3183582755768826]);
    expectClose(m2.hatValues, [
      0.31714555941616879, 0.34703799883485381, 0.32153058432583964, 0.26456816502542929, 0.49246445297647246, 0.34213459451197026,
      0.26430445607678477, 0.068601977141056786, 0.25573348586542144, 0.32270075270483867, 0.42921202349634852, 0.57456594962481666,
    ]);
    expectClose(m2.covUnscaled.flat(), [
      0.18329125735996193, -0.010549594351184332, -0.12162263835576842, -0.093214444637310698, -0.010549594351184332, 0.0019092727252676639,
      -0.00061123405132307729, -0.0057525681761448977, -0.12162263835576842, -0.00061123405132307729, 0.18233628690227133, 0.12684160823630752,
      -0.093214444637310698, -0.0057525681761448977, 0.12684160823630752, 0.18079379165198492,
    ]);
    const link = predictLink(m2, [1, 13, 0, 1], Math.log(220), m2.dispersion);
    expectClose([link.eta, link.seEta], [1.8094491452007402, 0.42104389234757644]);
  });

  it('drops an aliased column as R does (coefficient NA, same fit)', () => {
    const m3 = fitPoissonGlm({ design: t.map((ti) => [1, ti, 2 * ti]), response: y });
    expect(m3.rank).toBe(2);
    expect(m3.aliased).toEqual([false, false, true]);
    expectClose(m3.coefficients.slice(0, 2), [1.0681027779869077, 0.043947263598101832]);
    expectClose([m3.dispersion], [2.5046588657135533]);
    expect(Number.isNaN(coefficientPValue(m3, 2))).toBe(true);
  });

  it('follows R on an all-zero response: 22 iterations to an intercept of -24.30...', () => {
    const m4 = fitPoissonGlm({ design: new Array(10).fill([1]), response: new Array(10).fill(0) });
    expect(m4.converged).toBe(true);
    expect(m4.iterations).toBe(22);
    expectClose(m4.coefficients, [-24.302585092994033]);
  });

  it('rejects negative responses and mismatched shapes', () => {
    expect(() => fitPoissonGlm({ design: [[1], [1]], response: [1, -1] })).toThrow(/row 2/);
    expect(() => fitPoissonGlm({ design: [[1]], response: [1, 2] })).toThrow(/1 rows but response has 2/);
  });
});

describe('studentTTwoSidedPValue', () => {
  it('matches 2 * pt(-|t|, df)', () => {
    expectClose(
      [studentTTwoSidedPValue(-1.7336, 33), studentTTwoSidedPValue(0.2, 3), studentTTwoSidedPValue(5, 10)],
      [0.092324567011357758, 0.85427032924627899, 0.00053733360275645247],
    );
    expect(Number.isNaN(studentTTwoSidedPValue(1, 0))).toBe(true);
  });
});
