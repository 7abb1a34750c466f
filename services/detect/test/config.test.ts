import { describe, expect, it } from 'vitest';
import { buildPlan, loadPlan } from '../src/config';
import { DetectError } from '../src/errors';
import { testConfig } from './plan';

function configError(raw: unknown): DetectError {
  try {
    buildPlan(raw);
  } catch (error) {
    return error as DetectError;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('detector configuration', () => {
  it('loads the versioned default from deploy/', () => {
    const plan = loadPlan();
    expect(plan.version).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
    // Daily EARS runs only as C2 gated to sparse keys (docs/detectors.md, The default configuration); weeks carry count detection.
    const daily = plan.detectorsFor('country', 'NL', 'day');
    expect(daily.map((d) => [d.detector.id, d.maxBaselineMean])).toEqual([['ears-c2', 1.5]]);
    // Sparse weekly series: the window scan (the GLR chart stays in the file, disabled).
    expect(plan.detectorsFor('country', 'NL', 'week').map((d) => d.detector.id)).toEqual(['ears-c2', 'farrington-flexible', 'window-scan']);
  });

  it('rejects a config that breaks the schema, naming the bad value', () => {
    const error = configError({ ...testConfig(), buckets: { granularities: ['month'], allowed_lateness_days: 1 } });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('/buckets/granularities/0');
  });

  it('rejects unknown detectors and parameters', () => {
    expect(configError(testConfig({ count_detectors: [{ detector: 'ears-c9', granularity: 'day' }] })).message).toMatch(/count_detectors\/0: unknown detector "ears-c9"/);
    expect(configError(testConfig({ count_detectors: [{ detector: 'ears-c1', granularity: 'day', params: { baselne: 7 } }] })).message).toContain('has no parameter "baselne"');
  });

  it('applies overrides by type and key glob, later ones winning', () => {
    const plan = buildPlan(
      testConfig({
        overrides: [
          { dimension_type: 'country', key_pattern: 'N*', detectors: { 'ears-c1': { min_observed: 10, params: { alpha: 0.01 } } } },
          { dimension_type: 'country', key_pattern: 'NO', enabled: false },
          { dimension_type: 'method', detectors: { 'ears-c1': { enabled: false } } },
        ],
      }),
    );
    const nl = plan.detectorsFor('country', 'NL', 'day')[0]!;
    expect(nl.minObserved).toBe(10);
    expect(nl.params).toMatchObject({ alpha: 0.01, baseline: 7, range: [8, 8] });
    expect(plan.detectorsFor('country', 'BE', 'day')[0]!.minObserved).toBe(3);
    expect(plan.detectorsFor('country', 'NO', 'day')).toEqual([]);
    expect(plan.detectorsFor('method', 'anything', 'day')).toEqual([]);
  });
});
