// `tocsin service alert`: the alert service process with detect's scoring, so it serves
// the detector tuning routes (GET/PUT /api/detector-config, dry runs).
import { runAlertProcess } from '@tocsin/alert';
import { detectScoring } from './detector-scoring';

runAlertProcess({ detectorScoring: detectScoring });
