// Acceptance (issue 10): a multi-year CSV in a foreign layout — Spanish column names,
// dd/mm/yyyy dates, country names instead of codes — backtested through a partner mapping,
// with some bad rows: the good rows produce alerts (on the injected surge), the bad rows are
// in rejected.ndjson with the dead-letter reason and their line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PartnerConfig } from '@tocsin/core';
import { runBacktestCommand } from '../src/backtest-command';
import { memoryIo } from './io';

/** The mapping a Spanish agency's analyst would write (docs/backtest.md shows the same file). */
export const SPANISH_MAPPING: PartnerConfig = {
  id: 'es-udyco',
  name: 'UDYCO (export)',
  country: 'ES',
  format: 'csv',
  default_handling: { tlp: 'GREEN', source_reliability: 'B', information_credibility: '2' },
  date_formats: ['dd/MM/yyyy'],
  csv: {
    delimiter: ';',
    columns: {
      id: 'Nº expediente',
      occurred_at: 'Fecha del hecho',
      country: 'País',
      category: { column: 'Delito', value_map: { Narcotráfico: '06012' } },
      origin: 'Origen',
      destination: 'Destino',
      modality: { column: 'Vía', value_map: { Marítima: 'sea', Terrestre: 'land', Aérea: 'air' } },
      methods: { column: 'Ocultación', value_map: { Contenedor: 'concealment.container', Doble_fondo: 'concealment.vehicle' } },
      narrative: 'Relato',
    },
    constants: { commodities: 'drug.cocaine', narrative_lang: 'es' },
  },
};

const HEADER = 'Nº expediente;Fecha del hecho;País;Delito;Origen;Destino;Vía;Ocultación;Relato';

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

const SERIES = [
  { origin: 'Colombia', via: 'Marítima', hide: 'Contenedor', perDay: 1.5 },
  { origin: 'Ecuador', via: 'Marítima', hide: 'Contenedor', perDay: 1.2 },
  { origin: 'Marruecos', via: 'Terrestre', hide: 'Doble_fondo', perDay: 1.0 },
];
/** The injected trend: Ecuador → Spain by sea five times its usual count for four weeks. */
export const SURGE = { origin: 'Ecuador', from: Date.UTC(2024, 4, 1), to: Date.UTC(2024, 4, 29), factor: 5 };

const ddmmyyyy = (ms: number): string => {
  const d = new Date(ms);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
};

/** Three years (2022–2024) of a Spanish export, with four bad rows at known lines. */
export function spanishCsv(): { text: string; bad: Array<{ line: number; reason: string }> } {
  const random = prng(10);
  const lines = [HEADER];
  let n = 0;
  for (let day = Date.UTC(2022, 0, 1); day < Date.UTC(2025, 0, 1); day += 86_400_000) {
    for (const s of SERIES) {
      const surge = s.origin === SURGE.origin && day >= SURGE.from && day < SURGE.to ? SURGE.factor : 1;
      const count = poisson(random, s.perDay * surge);
      for (let i = 0; i < count; i++) {
        n++;
        lines.push(`UDY-${n};${ddmmyyyy(day)};España;Narcotráfico;${s.origin};España;${s.via};${s.hide};Alijo interceptado en el puerto, expediente ${n}`);
      }
    }
  }
  const bad = [
    { row: 'UDY-B1;31/02/2023;España;Narcotráfico;Colombia;España;Marítima;Contenedor;fecha imposible', reason: 'schema_violation' },
    { row: 'UDY-B2;03/03/2023;Atlántida;Narcotráfico;Colombia;España;Marítima;Contenedor;país inventado', reason: 'unknown_country' },
    { row: ';04/03/2023;España;Narcotráfico;Colombia;España;Marítima;Contenedor;sin número', reason: 'missing_value' },
    { row: 'UDY-B4;05/03/2023;España;Narcotráfico', reason: 'bad_csv_row' },
  ];
  const out: Array<{ line: number; reason: string }> = [];
  bad.forEach((b, i) => {
    const at = 1000 + i * 997;
    lines.splice(at, 0, b.row);
    out.push({ line: at + 1, reason: b.reason });
  });
  return { text: `${lines.join('\n')}\n`, bad: out.sort((a, b) => a.line - b.line) };
}

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

    const alerts = readFileSync(join(out, 'alerts.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; dimension: { key: string }; opened_at: string; countries: string[]; partners: string[]; detectors: string[] });
    const onSurge = alerts.filter((a) => a.dimension.key.includes('EC') && Date.parse(a.opened_at) >= SURGE.from && Date.parse(a.opened_at) < SURGE.to + 7 * 86_400_000);
    expect(onSurge.length).toBeGreaterThan(0);
    expect(onSurge[0]!.partners).toEqual(['es-udyco']);
    expect(onSurge[0]!.countries).toContain('ES');

    // Deliveries after filters and sharing: the Spanish desk hears of the surge, the Portuguese filter matches nothing.
    const deliveries = readFileSync(join(out, 'deliveries.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { subscription: string; alert_id: string; type: string });
    expect(deliveries.some((d) => d.subscription === 'es-desk' && d.alert_id === onSurge[0]!.id && d.type === 'alert.opened')).toBe(true);
    expect(deliveries.some((d) => d.subscription === 'pt-air-only')).toBe(false);

    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toContain('<svg');
    expect(report).toContain('unknown_country');
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
