// Emergence detectors over the incident stream: pure, incremental modules with
// serialisable state that the detect service calls per incident and per closed
// bucket. See docs/detectors.md, "Emergence detectors".
export { EMERGENCE_ERROR_CODES, EmergenceError, type EmergenceErrorCode } from './errors';
export {
  PATTERN_TYPES,
  patternsOf,
  edgeKey,
  routeHops,
  type Pattern,
  type PatternType,
  type PatternAttributes,
  type PatternSource,
  type RouteLike,
} from './patterns';
export {
  FirstSeenRegistry,
  DEFAULT_DORMANCY_DAYS,
  type Sighting,
  type FirstReport,
  type NoveltyHit,
  type PatternRecord,
  type FirstSeenOptions,
  type FirstSeenInit,
  type FirstSeenState,
  type RegistryChange,
} from './first-seen';
export { TermExtractor, taxonomyVocabulary, fold, ALL_LANGUAGES, type TermExtractorOptions, type ExtractedTerms } from './term-extractor';
export {
  EmergingTerms,
  DEFAULT_EMERGING_TERMS_OPTIONS,
  discountDominantPartner,
  clusterByEvidence,
  type TermDocument,
  type EmergingTermsOptions,
  type TermSignal,
  type TermBucketResult,
  type EmergingTermsState,
} from './emerging-terms';
export { RouteGraph, type RouteGraphState, type Neighbour } from './route-graph';
export {
  CrossBorderSpread,
  DEFAULT_SPREAD_OPTIONS,
  type RisingMark,
  type SpreadOptions,
  type SpreadOnset,
  type SpreadSignal,
  type SpreadState,
} from './cross-border-spread';
export {
  RouteDisplacement,
  DEFAULT_DISPLACEMENT_OPTIONS,
  OTHER_ROUTES,
  displacementKeys,
  chiSquareHomogeneity,
  twoProportionP,
  chunkDispersion,
  rateDropP,
  varianceToMean,
  jensenShannon,
  type DisplacementOptions,
  type DisplacementSignal,
  type DisplacementState,
  type RouteShift,
} from './route-displacement';
export { noveltySummary, termSummary, spreadSummary, displacementSummary } from './summary';
export { poissonUpperTail, negBinomialUpperTail, chiSquareUpperTail, normalUpperTail } from './stats';

/** Detector ids and versions as they appear in Signal.detector; bump a version when results can change. */
export const EMERGENCE_DETECTORS = {
  firstSeen: { id: 'first-seen', version: '1.0.0', kind: 'novelty' },
  emergingTerms: { id: 'emerging-terms', version: '1.0.0', kind: 'terms' },
  crossBorderSpread: { id: 'cross-border-spread', version: '1.0.0', kind: 'spread' },
  routeDisplacement: { id: 'route-displacement', version: '1.0.0', kind: 'displacement' },
} as const;
