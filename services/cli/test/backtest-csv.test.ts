// Acceptance (issue 10): a multi-year CSV in a foreign layout — Spanish column names,
// dd/mm/yyyy dates, country names instead of codes — backtested through a partner mapping,
// with some bad rows: the good rows produce alerts (on the injected surge), the bad rows are
// in rejected.ndjson with the dead-letter reason and their line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktestCommand } from '../src/backtest-command';
import { memoryIo } from './io';
import { SPANISH_MAPPING, SURGE, spanishCsv } from './spanish-export';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('tocsin backtest on a foreign-layout CSV through a mapping', () => {
  it('alerts on the surge from the good rows and lists the bad rows with reasons', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-backtest-csv-'));
    dirs.push(dir);
    const { text, bad } = spanishCsv();
    writeFileSync(join(dir, 'incidentes.csv'), text);
    writeFileSync(join(dir, 'mapping.json'), JSON.stringify(SPANISH_MAPPING, null, 2));
    writeFileSync(join(dir, 'subs.json'), JSON.stringify([
      { id: 'es-desk', agency: 'es-guardia-civil', agency_country: 'ES', filters: { countries: ['ES'] } },
      { id: 'pt-air-only', agency: 'pt-pj', agency_country: 'PT', filters: { countries: ['PT'] } },
      { id: 'de-all', agency: 'de-bka', agency_country: 'DE' },
    ]));
    const out = join(dir, 'out');
    const { io, err } = memoryIo();
    const code = await runBacktestCommand(['--input', join(dir, 'incidentes.csv'), '--mapping', join(dir, 'mapping.json'), '--subscriptions', join(dir, 'subs.json'), '--out', out], io, {});
    expect(code, err()).toBe(0);
    // Progress and the final rate on stderr.
    expect(err()).toMatch(/records\/s/);

    const rejected = readFileSync(join(out, 'rejected.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; reason: string; message: string });
    expect(rejected.map((r) => ({ line: r.line, reason: r.reason }))).toEqual(bad);
    expect(rejected.find((r) => r.reason === 'unknown_country')!.message).toContain('Atlántida');

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { read: { accepted: number; rejected: number }; first_event: string; last_event: string };
    expect(summary.read.rejected).toBe(4);
    expect(summary.read.accepted).toBeGreaterThan(3000);
    // Three-year-old rows are not "too late": the first day of the file is in the replay.
    expect(summary.first_event.slice(0, 10)).toBe('2022-01-01');

    const alerts = readFileSync(join(out, 'alerts.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; dimension: { key: string }; opened_at: string; resolved_at: string | null; countries: string[]; partners: string[]; detectors: string[] });
    // A week alert opens at the start of the surge's first week (its bucket), up to 6 days before it.
    const onSurge = alerts.filter((a) => a.dimension.key.includes('EC') && Date.parse(a.opened_at) >= SURGE.from - 6 * 86_400_000 && Date.parse(a.opened_at) < SURGE.to);
    expect(onSurge.length).toBeGreaterThan(0);
    expect(onSurge[0]!.partners).toEqual(['es-udyco']);
    expect(onSurge[0]!.countries).toContain('ES');

    // Deliveries after filters and sharing: the Spanish desk hears of the surge, the Portuguese filter matches nothing.
    const deliveries = readFileSync(join(out, 'deliveries.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { subscription: string; alert_id: string; type: string; level: string });
    expect(deliveries.some((d) => d.subscription === 'es-desk' && d.alert_id === onSurge[0]!.id && d.type === 'alert.opened')).toBe(true);
    expect(deliveries.some((d) => d.subscription === 'pt-air-only')).toBe(false);
    // Sharing rules: the rows are TLP:AMBER (the mapping's default marking), so Spain (the incidents' country) gets
    // the detail and Germany, not on the route, only the aggregate.
    expect(new Set(deliveries.filter((d) => d.subscription === 'es-desk').map((d) => d.level))).toEqual(new Set(['full']));
    expect(deliveries.filter((d) => d.subscription === 'de-all').length).toBeGreaterThan(0);
    expect(new Set(deliveries.filter((d) => d.subscription === 'de-all').map((d) => d.level))).toEqual(new Set(['aggregate']));
    // The surge's alerts end in event time: resolved once quiet, before the file ends.
    expect(onSurge.every((a) => a.resolved_at !== null && a.resolved_at < '2024-12-31')).toBe(true);

    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toContain('<svg');
    expect(report).toContain('unknown_country');

    // Scored against the desk's labels: the surge's alerts labelled true, two others false.
    const others = alerts.filter((a) => !onSurge.includes(a)).slice(0, 2);
    const history = [
      ...onSurge.map((a) => ({ ...a, desk: { label: { value: 'true_positive', by: 'analyst', at: '2024-06-01T00:00:00Z' }, actions: [] } })),
      ...others.map((a) => ({ ...a, desk: { label: { value: 'false_positive', by: 'analyst', at: '2024-06-01T00:00:00Z' }, actions: [] } })),
    ];
    writeFileSync(join(dir, 'labelled.json'), JSON.stringify({ alerts: history }));
    const labelled = join(dir, 'labelled-out');
    const second = memoryIo();
    expect(await runBacktestCommand(['--input', join(dir, 'incidentes.csv'), '--mapping', join(dir, 'mapping.json'), '--labels', join(dir, 'labelled.json'), '--out', labelled, '--quiet'], second.io, {}), second.err()).toBe(0);
    expect(second.err()).toBe('');
    const table = (JSON.parse(readFileSync(join(labelled, 'summary.json'), 'utf8')) as { scored_by: string; alert_table: Array<{ detector: string; alerts: number; truePositives: number; falsePositives: number; unlabelled: number }> });
    expect(table.scored_by).toBe('labels');
    const count = (list: typeof alerts, detector: string) => list.filter((a) => a.detectors.includes(detector)).length;
    for (const row of table.alert_table) {
      expect(row).toMatchObject({ alerts: count(alerts, row.detector), truePositives: count(onSurge, row.detector), falsePositives: count(others, row.detector) });
      expect(row.unlabelled).toBe(row.alerts - row.truePositives - row.falsePositives);
    }
  });

  it('refuses bad usage with exit 2 and a message', async () => {
    const { io, err } = memoryIo();
    expect(await runBacktestCommand(['--input', 'x.csv'], io, {})).toBe(2);
    expect(err()).toMatch(/--out is required/);
    const second = memoryIo();
    expect(await runBacktestCommand(['--input', '/nonexistent.csv', '--out', '/tmp/x', '--mapping', '/nonexistent.json'], second.io, {})).toBe(2);
    expect(second.err()).toMatch(/nonexistent\.json/);
  });
});
