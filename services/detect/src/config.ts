// Detector configuration as data: the versioned default in deploy/detector-config.v1.json,
// validated against schemas/detector-config.v1 and resolved per dimension key
// (overrides by type and key glob). Live updates replace the whole plan.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileValidator, type CountDetectorSetting, type DetectorConfig, type DetectorParams, type DimensionType } from '@tocsin/core';
import { getCountDetector, type CountDetector, type ParamValues } from '@tocsin/detectors';
import type { Granularity } from './buckets';
import { DetectError } from './errors';
import { DAY_HISTORY, WEEK_HISTORY } from './score/key-state';

/** Absolute path of the versioned default configuration. */
export const DEFAULT_CONFIG_PATH = resolve(import.meta.dirname, '../../../deploy/detector-config.v1.json');

/** One detector as it runs on one key. */
export interface ResolvedDetector {
  detector: CountDetector;
  granularity: Granularity;
  /** Periods passed to the detector, the scored bucket last. */
  history: number;
  minObserved: number;
  /** No signal unless observed >= minRatio x expected. */
  minRatio: number;
  /** Configured parameters plus `range` = the last `chartPeriods` periods of a full window. */
  params: ParamValues;
  /**
   * Periods a sequential chart (cusum, glr-nb, ewma) runs over, ending at the scored bucket;
   * the window's periods before them are its in-control baseline, refitted at every bucket.
   * 1 for the one-period detectors (EARS, Farrington).
   */
  chartPeriods: number;
  /** Shortest window the detector runs on: a younger key gets its whole real history (>= this) instead of `history`. */
  minHistory: number;
  /** A sequential chart: its false alarms are governed by its run length, not by the bucket's BH test. */
  sequential: boolean;
  /** Scale gate: run only while the window's baseline mean per period is at most this (Infinity: always). */
  maxBaselineMean: number;
}

/** Detectors whose statistic accumulates over periods (sequential charts and the window scan). */
export const SEQUENTIAL_DETECTORS: ReadonlySet<string> = new Set(['cusum', 'glr-nb', 'ewma', 'window-scan']);

export interface DetectorPlan {
  readonly config: DetectorConfig;
  readonly version: string;
  readonly dimensions: ReadonlySet<DimensionType>;
  readonly granularities: readonly Granularity[];
  readonly allowedLatenessDays: number;
  readonly minHistoryDays: number;
  readonly evidenceLimit: number;
  /** Detectors for one key at one granularity (shared arrays: callers must not mutate). */
  detectorsFor(dimType: string, dimKey: string, granularity: Granularity): readonly ResolvedDetector[];
}

const validate = compileValidator<DetectorConfig>('detector-config.v1');

/** Default history: EARS needs baseline + guard + C3's two lags; the rest get the whole ring. */
function defaultHistory(setting: CountDetectorSetting): number {
  const ring = setting.granularity === 'day' ? DAY_HISTORY : WEEK_HISTORY;
  if (setting.detector.startsWith('ears-')) {
    const baseline = typeof setting.params?.['baseline'] === 'number' ? setting.params['baseline'] : 7;
    return Math.min(ring, baseline + 6);
  }
  return ring;
}

/** `*` matches any run of characters; everything else is literal. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function checkParams(detector: CountDetector, params: DetectorParams | undefined, where: string): void {
  for (const name of Object.keys(params ?? {})) {
    if (name === 'range') throw new DetectError('CONFIG_INVALID', `${where}: "range" is set by the service (the scored bucket), not by config`);
    if (!detector.params.some((p) => p.name === name)) {
      throw new DetectError('CONFIG_INVALID', `${where}: detector ${detector.id} has no parameter "${name}" (it has ${detector.params.map((p) => p.name).join(', ')})`);
    }
  }
}

function lookup(id: string, where: string): CountDetector {
  try {
    return getCountDetector(id);
  } catch (cause) {
    throw new DetectError('CONFIG_INVALID', `${where}: ${(cause as Error).message}`, { cause });
  }
}

/** Validates a configuration and prepares it for scoring; throws CONFIG_INVALID with the path of the bad value. */
export function buildPlan(raw: unknown): DetectorPlan {
  const result = validate(raw);
  if (!result.ok) {
    const first = result.errors[0]!;
    throw new DetectError('CONFIG_INVALID', `detector config ${first.pointer || '/'} ${first.message}`);
  }
  const config = result.value;
  config.count_detectors.forEach((setting, i) => {
    const where = `/count_detectors/${i}`;
    checkParams(lookup(setting.detector, where), setting.params, where);
    const history = setting.history ?? defaultHistory(setting);
    const chart = setting.chart_periods ?? 1;
    if (chart > 1 && !SEQUENTIAL_DETECTORS.has(setting.detector)) {
      throw new DetectError('CONFIG_INVALID', `${where}/chart_periods: only the sequential charts (${[...SEQUENTIAL_DETECTORS].join(', ')}) run over several periods; ${setting.detector} scores one`);
    }
    // A chart needs baseline rows before its periods: at least two to fit a mean.
    if (chart > history - 2) throw new DetectError('CONFIG_INVALID', `${where}/chart_periods: ${chart} leaves fewer than 2 baseline periods in a history of ${history}`);
    const minHistory = setting.min_history ?? history;
    if (minHistory > history) throw new DetectError('CONFIG_INVALID', `${where}/min_history: ${minHistory} is more than history (${history})`);
    if (minHistory < history && !SEQUENTIAL_DETECTORS.has(setting.detector)) {
      throw new DetectError('CONFIG_INVALID', `${where}/min_history: only the sequential charts run on shorter windows; ${setting.detector} needs its whole history`);
    }
    if (minHistory < chart + 2) throw new DetectError('CONFIG_INVALID', `${where}/min_history: ${minHistory} leaves fewer than 2 baseline periods before ${chart} chart periods`);
  });
  config.overrides.forEach((o, i) => {
    for (const [id, change] of Object.entries(o.detectors ?? {})) {
      const where = `/overrides/${i}/detectors/${id}`;
      if (!config.count_detectors.some((s) => s.detector === id)) throw new DetectError('CONFIG_INVALID', `${where}: detector ${id} is not in count_detectors`);
      checkParams(lookup(id, where), change.params, where);
    }
  });
  const overrides = config.overrides.map((o) => ({ ...o, pattern: o.key_pattern ? globToRegExp(o.key_pattern) : null }));

  const resolveFor = (dimType: string, dimKey: string | null, granularity: Granularity): ResolvedDetector[] => {
    const matching = overrides.filter((o) => o.dimension_type === dimType && (dimKey === null ? o.pattern === null : o.pattern === null || o.pattern.test(dimKey)));
    if (matching.filter((o) => o.enabled !== undefined).at(-1)?.enabled === false) return [];
    const out: ResolvedDetector[] = [];
    for (const setting of config.count_detectors) {
      if (setting.granularity !== granularity) continue;
      let enabled = setting.enabled !== false;
      let minObserved = setting.min_observed ?? 1;
      let minRatio = setting.min_ratio ?? 0;
      let params: DetectorParams = { ...setting.params };
      for (const o of matching) {
        const change = o.detectors?.[setting.detector];
        if (!change) continue;
        if (change.enabled !== undefined) enabled = change.enabled;
        if (change.min_observed !== undefined) minObserved = change.min_observed;
        if (change.min_ratio !== undefined) minRatio = change.min_ratio;
        params = { ...params, ...change.params };
      }
      if (!enabled) continue;
      const history = setting.history ?? defaultHistory(setting);
      const chartPeriods = setting.chart_periods ?? 1;
      out.push({
        detector: getCountDetector(setting.detector),
        granularity,
        history,
        minObserved,
        minRatio,
        params: { ...params, range: [history - chartPeriods + 1, history] },
        chartPeriods,
        minHistory: setting.min_history ?? history,
        sequential: SEQUENTIAL_DETECTORS.has(setting.detector),
        maxBaselineMean: setting.max_baseline_mean ?? Number.POSITIVE_INFINITY,
      });
    }
    return out;
  };

  // Types without key patterns share one resolved list; keys of types with patterns are cached.
  const byType = new Map<string, ResolvedDetector[]>();
  const byKey = new Map<string, ResolvedDetector[]>();
  const patterned = new Set(overrides.filter((o) => o.pattern !== null).map((o) => o.dimension_type as string));
  return {
    config,
    version: config.version,
    dimensions: new Set(config.dimensions),
    granularities: config.buckets.granularities,
    allowedLatenessDays: config.buckets.allowed_lateness_days,
    minHistoryDays: config.buckets.min_history_days ?? 0,
    evidenceLimit: config.evidence_limit ?? 50,
    detectorsFor(dimType, dimKey, granularity) {
      if (!patterned.has(dimType)) {
        const id = `${dimType}\u0000${granularity}`;
        let list = byType.get(id);
        if (!list) byType.set(id, (list = resolveFor(dimType, null, granularity)));
        return list;
      }
      const id = `${dimType}\u0000${dimKey}\u0000${granularity}`;
      let list = byKey.get(id);
      if (!list) {
        list = resolveFor(dimType, dimKey, granularity);
        // Bounded: the cache is a speed-up, not state.
        if (byKey.size > 100_000) byKey.clear();
        byKey.set(id, list);
      }
      return list;
    },
  };
}

/** Reads and validates a configuration file (default: deploy/detector-config.v1.json). */
export function loadPlan(path: string = DEFAULT_CONFIG_PATH): DetectorPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new DetectError('CONFIG_INVALID', `cannot read detector config ${path}: ${(cause as Error).message}`, { cause });
  }
  return buildPlan(raw);
}
