// Benchmarks of the detect service, run by `npm run bench -- detect` and `-- detection`.
export { runDetectBench, type DetectBenchOptions, type DetectBenchResult } from './detect';
export { runDetectionBench, type DetectionBenchOptions, type DetectionBenchResult } from './detection';
