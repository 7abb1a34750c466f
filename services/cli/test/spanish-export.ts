// A Spanish agency's three-year export (2022–2024) in its own layout: Spanish column names,
// dd/mm/yyyy dates, country names, a surge injected on one route and four bad rows at known
// lines; and the mapping that reads it. Used by the backtest tests and docs/backtest.md.
import type { PartnerConfig } from '@tocsin/core';
import { Rng } from '@tocsin/simulator';

/** The mapping a Spanish agency's analyst would write (docs/backtest.md shows the same file). */
export const SPANISH_MAPPING: PartnerConfig = {
  id: 'es-udyco',
  name: 'UDYCO (export)',
  country: 'ES',
  format: 'csv',
  default_handling: { tlp: 'AMBER', source_reliability: 'B', information_credibility: '2' },
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
  const rng = new Rng(10, 'spanish-export');
  const lines = [HEADER];
  let n = 0;
  for (let day = Date.UTC(2022, 0, 1); day < Date.UTC(2025, 0, 1); day += 86_400_000) {
    for (const s of SERIES) {
      const surge = s.origin === SURGE.origin && day >= SURGE.from && day < SURGE.to ? SURGE.factor : 1;
      const count = rng.poisson(s.perDay * surge);
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

