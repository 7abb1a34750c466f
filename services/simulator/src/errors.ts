// Error codes of the simulator. Options and flags are its whole surface, so every
// error names the option and the value that was wrong.

import { CodedError } from '@tocsin/core';

export const SIMULATOR_ERRORS = {
  invalid_option: 'A scenario option is out of range or malformed (createScenario).',
  unknown_partner: 'An incident names a partner the scenario does not have (Scenario.encode).',
  unknown_corridor: 'A trend refers to a corridor that does not exist (createScenario).',
  unknown_trend: 'A trend id that is not in the scenario\'s ground truth (Scenario.expectedOnKey).',
  bad_flag: 'A command-line flag is unknown, repeated or has a bad value (tocsin simulate).',
  bad_ground_truth: 'A file given as ground truth is unreadable or not one the simulator wrote (readGroundTruth).',
} as const;

export type SimulatorErrorCode = keyof typeof SIMULATOR_ERRORS;

/** Thrown for bad scenario options, unknown partners or corridors, unknown trends, bad CLI flags and bad ground-truth files; never retryable. */
export class SimulatorError extends CodedError<SimulatorErrorCode> {
  override readonly name = 'SimulatorError';
}
