// Acceptance (issue 10): `tocsin backtest` on the simulator's output with its truth file
// produces the report, and its detection table agrees with the detection benchmark
// (`npm run bench -- detection`) on the same seed: same detections, same delays, same false
// alarms. The benchmark replays the scenario's incidents straight into detect; the backtest
// reads them from a file through ingest (pseudonymised, in arrival order, re-sorted by event time).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScenario, writeGroundTruth } from '@tocsin/simulator';
import { runDetectionBench } from '@tocsin/detect/bench';
import type { TruthTable } from '@tocsin/detect';
import { runBacktestCommand } from '../src/backtest-command';
import { memoryIo } from './io';

const SEED = 7;
const DAYS = 200;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('tocsin backtest on simulator output', () => {
  it('agrees with the detection benchmark on the same seed and writes the report', { timeout: 400_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-backtest-sim-'));
    dirs.push(dir);
    const scenario = createScenario({ seed: SEED, start: '2025-01-01', days: DAYS, extraSurges: 20 });
    const lines: string[] = [];
    for (const incident of scenario.arrivals()) lines.push(JSON.stringify(incident));
    writeFileSync(join(dir, 'incidents.ndjson'), `${lines.join('\n')}\n`);
    await writeGroundTruth(join(dir, 'truth.json'), scenario);

    const out = join(dir, 'out');
    const { io, err } = memoryIo();
    expect(await runBacktestCommand(['--input', join(dir, 'incidents.ndjson'), '--truth', join(dir, 'truth.json'), '--out', out, '--quiet'], io, {}), err()).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { read: { accepted: number; rejected: number }; truth_table: TruthTable };
    expect(summary.read).toMatchObject({ accepted: lines.length, rejected: 0 });

    const bench = runDetectionBench({ seed: SEED, days: DAYS, scenario: 'dense', print: () => {} });
    const mine = summary.truth_table;
    const pick = (rows: TruthTable['rows']) => rows.map((r) => ({ detector: r.detector, granularity: r.granularity, trends: r.trends, detected: r.detected, detectedInTime: r.detectedInTime, medianDelay: r.medianDelay, delays: r.delays, falseAlarms: r.falseAlarms }));
    expect(pick(mine.rows)).toEqual(pick(bench.rows));
    expect(pick(mine.noveltyRows)).toEqual(pick(bench.noveltyRows));
    expect(mine.emergenceRows.map((r) => [r.detector, r.detectedInTime, r.trends, r.medianDelay, r.falseAlarms])).toEqual(bench.emergenceRows.map((r) => [r.detector, r.detectedInTime, r.trends, r.medianDelay, r.falseAlarms]));
    expect(mine.combined).toEqual(bench.combined);
    // Not an empty agreement: trends were scored and detected.
    expect(mine.combined.trends).toBeGreaterThan(5);
    expect(mine.combined.detectedInTime).toBeGreaterThan(0);

    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toContain('Signals against the ground truth');
    expect(report).toMatch(/class="truth"/);
    // Self-contained: nothing fetched from anywhere.
    expect(report).not.toMatch(/<script|<link|src=|url\(|@import/i);
  });
});
