// Public surface of @tocsin/detect.
export { buildDetect, type Detect, type DetectDeps, type DetectStats } from './app';
export { buildPlan, loadPlan, DEFAULT_CONFIG_PATH, type DetectorPlan, type ResolvedDetector } from './config';
export { DIMENSION_TYPES, deriveDimensionKeys, dimensionTopicKey, parseDimensionTopicKey, routeKey, type DimensionKey } from './keys';
export { bucketBoundsMs, bucketStartIso, dayIndexOf, weekIndexOfDay, type Granularity } from './buckets';
export { DETECT_ERROR_CODES, DetectError, type DetectErrorCode } from './errors';
export { BUCKET_MEASUREMENT, signalId } from './score/signals';
export { PartitionScorer } from './score/partition-scorer';
export { Exploder } from './explode/exploder';
export { DEFAULT_DETECT_TOPICS, type DetectTopics } from './topics';
export { overlaps, type TrendTruth } from './evaluation/ground-truth';
export { MULTIPLE_TESTING_FAMILIES } from './score/signals';
export { backtest, asEvent, type BacktestOptions, type BacktestResult } from './evaluation/backtest';
export type { ClosedBucket, ScoredRow } from './score/partition-scorer';
export { keyYearsOf, type DetectorScore } from './evaluation/ground-truth';
export { explained } from './evaluation/within-days';
export { truthTable, formatTruthTable, type TruthTable } from './evaluation/truth-table';
export { scoreAlertsOnTruth, type AlertRevisionLike, type AlertTrendScore } from './evaluation/alert-truth';
export type { EmergenceTrendTruth } from './evaluation/emergence-truth';
