// A small detector configuration for tests: days only, EARS C1, short history.
import type { DetectorConfig } from '@tocsin/core';
import { buildPlan, type DetectorPlan } from '../src/config';

export function testConfig(overrides: Partial<DetectorConfig> = {}): DetectorConfig {
  return {
    id: 'default',
    version: 'test-1',
    buckets: { granularities: ['day'], allowed_lateness_days: 2, min_history_days: 0 },
    dimensions: ['country', 'method', 'country_method'],
    count_detectors: [{ detector: 'ears-c1', granularity: 'day', history: 8, min_observed: 3, params: { baseline: 7, alpha: 0.001, minSigma: 1 } }],
    multiple_testing: { method: 'benjamini-hochberg', fdr: 0.05, max_signals_per_bucket: 50 },
    evidence_limit: 5,
    overrides: [],
    ...overrides,
  };
}

export function testPlan(overrides: Partial<DetectorConfig> = {}): DetectorPlan {
  return buildPlan(testConfig(overrides));
}
