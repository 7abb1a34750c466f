export type { CountDetector, CountSeries, DetectorRow, ParamSpec, ParamType, ParamValues } from './types';
export { countDetectors, getCountDetector } from './registry';
export { parseParams } from './params';
export { DETECTOR_ERROR_CODES, DetectorError, type DetectorErrorCode } from './errors';
export { runScoreCommand, type ScoreCommandIo } from './score-command';
export { lastRowRunner, type LastRowRunner } from './last-row';
// Distribution functions checked against R, shared with the detect service's emergence detectors.
export { poissonSurvival, regularizedBeta, regularizedGammaP, regularizedGammaQ } from './math/distributions';
