// Public surface of @tocsin/simulator: deterministic partner feeds with injected
// trends and their ground truth, for demos, tests and detection benchmarks.
export { createScenario, DEFAULT_BASELINE_PER_DAY, MAX_REPORTING_DELAY_DAYS, type Scenario, type ScenarioOptions } from './scenario';
export {
  defaultTrends, TREND_KINDS, type TrendKind, type TrendSpec, type GroundTruthTrend, type GroundTruthRoute, type DimensionAttributes, type PatternTemplate,
} from './trends';
export {
  runSimulation, streamScenario, ensurePartnerTopics, writeGroundTruth, readGroundTruth, groundTruthFileOf,
  type RunSimulationOptions, type StreamOptions, type SimulationProgress, type SimulationResult, type GroundTruthFile,
} from './run';
export { runSimulateCommand, parseSimulateFlags, SIMULATE_HELP, type SimulateIo, type SimulateDeps } from './cli';
export { PartnerEncoder, type EncodedRecord } from './wire';
export { SIM_PARTNERS, MIN_PARTNERS, MAX_PARTNERS, type SimPartner, type AgencyKind } from './partners';
export { CORRIDORS, type Corridor, type CrimeFamily } from './world';
export { NARRATIVE_LANGS, type NarrativeLang } from './narrative';
export { Rng } from './prng';
export { SimulatorError, SIMULATOR_ERRORS, type SimulatorErrorCode } from './errors';
