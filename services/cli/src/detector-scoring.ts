// detect's configuration checks and scoring, as the alert service's live tuning takes them
// (DetectorScoring): services do not import each other, so the composition root joins them.
import type { DetectorScoring, ScoringPlan } from '@tocsin/alert';
import { backtest, buildPlan, loadPlan, type DetectorPlan } from '@tocsin/detect';

/** Every plan the alert service holds came from plan() or load() below, so it is a DetectorPlan. */
const asDetectorPlan = (plan: ScoringPlan): DetectorPlan => plan as DetectorPlan;

export const detectScoring: DetectorScoring = {
  plan: (raw) => buildPlan(raw),
  load: (path) => loadPlan(path),
  signals: (events, plan, now) => backtest(events, asDetectorPlan(plan), { clock: () => now }).signals,
};
