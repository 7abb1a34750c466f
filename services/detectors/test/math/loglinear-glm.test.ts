import { describe, expect, it } from 'vitest';
import { GlmFitError, fitLogLinearGlm, fitNegBinGlm, negativeBinomialFamily, poissonFamily } from '../../src/math/loglinear-glm';

// Reference coefficients printed by R 4.2.2 (stats::glm, MASS::glm.nb 7.3) with %.17g.
const y = [3, 5, 2, 8, 6, 4, 9, 12, 7, 5, 3, 2, 4, 6, 10, 14, 9, 6, 4, 3, 2, 5, 7, 11];
const seasonal = y.map((_, i) => [1, Math.cos((2 * Math.PI * (i + 1)) / 12), Math.sin((2 * Math.PI * (i + 1)) / 12)]);
const withTrend = y.map((_, i) => [1, i + 1, Math.cos((2 * Math.PI * (i + 1)) / 12), Math.sin((2 * Math.PI * (i + 1)) / 12)]);

function expectClose(actual: readonly number[], expected: readonly number[], rel: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!) / Math.max(1e-3, Math.abs(expected[i]!))).toBeLessThan(rel));
}

describe('fitLogLinearGlm', () => {
  it('matches glm(y ~ cos + sin, family = poisson())', () => {
    const fit = fitLogLinearGlm(seasonal, y, poissonFamily);
    expect(fit.converged).toBe(true);
    expectClose(fit.coefficients, [1.7983537589275793, -0.19902399191433248, 0.12917544748631146], 1e-8);
  });

  it('matches glm(..., family = negative.binomial(theta = 4))', () => {
    const fit = fitLogLinearGlm(seasonal, y, negativeBinomialFamily(4));
    expectClose(fit.coefficients, [1.7986702474969409, -0.19864540557605798, 0.11982520205048595], 1e-8);
  });

  it('rejects a design with more coefficients than observations', () => {
    expect(() => fitLogLinearGlm([[1, 2]], [3], poissonFamily)).toThrow(GlmFitError);
  });
});

describe('fitNegBinGlm', () => {
  it('matches MASS::glm.nb(y ~ t + cos + sin), coefficients and theta', () => {
    const fit = fitNegBinGlm(withTrend, y);
    expectClose(fit.coefficients, [1.5224774579863418, 0.021342912207377811, -0.22939707699460837, 0.1859197765777616], 1e-7);
    expect(Math.abs(fit.theta - 14.67472129171702) / 14.67472129171702).toBeLessThan(1e-7);
  });
});
