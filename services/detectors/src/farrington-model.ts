// The baseline model shared by both Farrington detectors: a quasi-Poisson log-linear GLM
// fitted once, then refitted with weights that shrink the influence of past outbreaks
// (Farrington et al. 1996, section 3.3; R: algo.farrington.fitGLM*, anscombe.residuals,
// algo.farrington.assign.weights).

import { fitPoissonGlm, type GlmData, type PoissonGlmFit } from './math/glm';

export interface FarringtonModel {
  fit: PoissonGlmFit;
  /** Dispersion used for thresholds: the Pearson estimate, floored at 1 (R: model$phi). */
  phi: number;
  /** The outbreak down-weights of the refit, null when not reweighted. */
  priorWeights: number[] | null;
}

/** Anscombe residuals scaled by sqrt(phi (1 - h)) (R: surveillance:::anscombe.residuals). */
export function anscombeResiduals(fit: PoissonGlmFit, response: readonly number[], phi: number): number[] {
  return response.map((y, i) => {
    const mu = fit.fitted[i]!;
    const a = 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - Math.sqrt(mu));
    return a / Math.sqrt(phi * (1 - fit.hatValues[i]!));
  });
}

/**
 * Reweighting of Farrington et al.: residuals above `threshold` get weight gamma / s^2,
 * the others gamma, with gamma making the weights sum to n
 * (R: algo.farrington.assign.weights; classic uses threshold 1, farringtonFlexible 2.58).
 */
export function outbreakDownWeights(residuals: readonly number[], threshold: number): number[] {
  let denominator = 0;
  for (const s of residuals) denominator += s > threshold ? s ** -2 : 1;
  const gamma = residuals.length / denominator;
  return residuals.map((s) => (s > threshold ? gamma * s ** -2 : gamma));
}

export interface FarringtonFitOptions {
  reweight: boolean;
  weightsThreshold: number;
}

/** Fits the baseline GLM, reweighted when asked; phi = max(dispersion, 1) of the final fit. */
export function fitFarringtonModel(data: GlmData, options: FarringtonFitOptions, first?: PoissonGlmFit): FarringtonModel {
  const initial = first ?? fitPoissonGlm(data);
  const phi0 = Math.max(initial.dispersion, 1);
  if (!options.reweight) return { fit: initial, phi: phi0, priorWeights: null };
  const s = anscombeResiduals(initial, data.response, phi0);
  const omega = outbreakDownWeights(s, options.weightsThreshold);
  const fit = fitPoissonGlm({ ...data, priorWeights: omega });
  return { fit, phi: Math.max(fit.dispersion, 1), priorWeights: omega };
}
