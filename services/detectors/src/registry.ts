// Every count detector Tocsin offers, by id.
import { cusum } from './cusum';
import { earsC1, earsC2, earsC3 } from './ears';
import { DetectorError } from './errors';
import { ewma } from './ewma';
import { farrington } from './farrington';
import { farringtonFlexible } from './farrington-flexible';
import { glrNb } from './glrnb';
import type { CountDetector } from './types';
import { windowScan } from './window-scan';

export const countDetectors: readonly CountDetector[] = [
  earsC1,
  earsC2,
  earsC3,
  farrington,
  farringtonFlexible,
  cusum,
  ewma,
  glrNb,
  windowScan,
];

/** The detector registered under `id`; throws DETECTOR_UNKNOWN otherwise. */
export function getCountDetector(id: string): CountDetector {
  const detector = countDetectors.find((d) => d.id === id);
  if (!detector) {
    throw new DetectorError('DETECTOR_UNKNOWN', `unknown detector "${id}" (known: ${countDetectors.map((d) => d.id).join(', ')})`);
  }
  return detector;
}
