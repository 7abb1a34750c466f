// The contract every count-series detector implements. Detectors are pure:
// a series and parameters in, one result row per input period out.

/** One input series, in time order, one entry per period. */
export interface CountSeries {
  /** Non-negative integer counts, one per period. */
  counts: readonly number[];
  /** Optional calendar dates (ISO yyyy-mm-dd), one per period; seasonal detectors
   *  then pick reference periods by calendar date as R's `surveillance` does. */
  dates?: readonly string[];
  /** Periods per year (52 weekly, 12 monthly, 365 daily). */
  freq: number;
  /** Optional population at risk per period; used by detectors with a population offset
   *  (farrington-flexible `populationOffset`). Absent means 1 everywhere, as in R's `sts`. */
  population?: readonly number[];
}

/** One output row per input period (1-based `t`). */
export interface DetectorRow {
  t: number;
  observed: number;
  /** null where the detector has too little history or the row is outside the monitored range. */
  expected: number | null;
  upperbound: number | null;
  alarm: boolean;
  /** Detector-specific score (e.g. standardised residual, CUSUM statistic); null when not computed. */
  score: number | null;
  /** Upper-tail p-value of `observed` under the detector's null model, where defined. */
  pValue: number | null;
  /** Set when the detector left its model for a stated fallback (e.g. a degenerate in-control fit); says which and why. */
  note?: string;
}

export type ParamType = 'number' | 'integer' | 'boolean' | 'string' | 'range' | 'enum';

export interface ParamSpec {
  /** Name exactly as in R's control list (e.g. `alpha`, `b`, `w`, `noPeriods`). */
  name: string;
  type: ParamType;
  /** Default value, as R's surveillance uses it; undefined where R computes it from the data. */
  default?: number | boolean | string | null;
  values?: readonly string[];
  description: string;
}

/** Parameter values after parsing; keys are ParamSpec names. `range` is [from, to], 1-based inclusive. */
export type ParamValues = Record<string, number | boolean | string | [number, number] | undefined>;

export interface CountDetector {
  /** Stable id used by the CLI, configs and signals (e.g. `ears-c1`). */
  id: string;
  /** Bumped whenever results can change for the same input. */
  version: string;
  /** The R function (and settings) this mirrors, e.g. `surveillance::earsC(method="C1")`. */
  reference: string;
  description: string;
  params: readonly ParamSpec[];
  run(series: CountSeries, params: ParamValues): DetectorRow[];
}
