// The topics the detect service reads and writes. Production uses the names in
// @tocsin/core's TOPICS; a deployment (or an integration test on a shared broker)
// may rename them, e.g. with a prefix per tenant.
import { TOPICS } from '@tocsin/core';

export interface DetectTopics {
  incidents: string;
  observations: string;
  state: string;
  config: string;
  signals: string;
}

export const DEFAULT_DETECT_TOPICS: DetectTopics = {
  incidents: TOPICS.incidents.name,
  observations: TOPICS.observations.name,
  state: TOPICS.detectState.name,
  config: TOPICS.detectorConfig.name,
  signals: TOPICS.signals.name,
};
