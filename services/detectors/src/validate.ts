// Range checks on parsed parameter values that R's functions also enforce (or that would
// otherwise produce nonsense), raised as PARAM_INVALID before a detector runs.
import { DetectorError } from './errors';
import type { ParamValues } from './types';

type Check = (value: number) => boolean;

export const positive: Check = (v) => v > 0;
export const nonNegative: Check = (v) => v >= 0;
export const probability: Check = (v) => v > 0 && v < 1;
export const atLeast = (min: number): Check => (v) => v >= min;

export function requireParam(detectorId: string, params: ParamValues, name: string, check: Check, meaning: string): void {
  const value = params[name];
  if (typeof value === 'number' && !check(value)) {
    throw new DetectorError('PARAM_INVALID', `${detectorId}: parameter ${name}=${value} must be ${meaning}`);
  }
}
