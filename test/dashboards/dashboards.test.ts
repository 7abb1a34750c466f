// The committed dashboards are exactly what the generator renders, and their
// structure holds: stable uids, every panel queries the Tocsin data source, every
// variable a query names exists (and is defined before it is used), and every
// identifier a query names is a tag or field of a measurement Tocsin writes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DASHBOARDS_CONFIG } from '../../dashboards/config';
import type { InfluxQLQuery } from '../../dashboards/influxql';
import { MEASUREMENTS } from '../../dashboards/measurements';
import { renderDashboards } from '../../dashboards/render';
import { BUILTIN_MACROS, panelsOf, referencedNames, targetsOf, variablesOf } from './panels';

const generatedDir = join(import.meta.dirname, '../../dashboards/generated');
const rendered = renderDashboards();

describe('generated dashboards', () => {
  it('match the committed JSON (run `npx tsx dashboards/generate.ts` after a change)', () => {
    expect(readdirSync(generatedDir).filter((f) => f.endsWith('.json')).sort()).toEqual(rendered.map((d) => d.file).sort());
    for (const { file, json } of rendered) expect(readFileSync(join(generatedDir, file), 'utf8'), file).toBe(json);
  });

  it('keep their uids and titles, which links and provisioning depend on', () => {
    expect(rendered.map((d) => [d.dashboard.uid, d.dashboard.title])).toEqual([
      ['tocsin-watch-desk', 'Tocsin — watch desk overview'],
      ['tocsin-pipeline-health', 'Tocsin — pipeline health'],
    ]);
  });

  for (const { file, dashboard } of rendered) {
    describe(file, () => {
      const panels = panelsOf(dashboard);
      const variables = variablesOf(dashboard);

      it('gives every panel a unique id and at least one raw InfluxQL query on the Tocsin data source', () => {
        expect(panels.length).toBeGreaterThanOrEqual(4);
        const ids = panels.map((p) => p.id);
        expect(ids.every((id) => typeof id === 'number')).toBe(true);
        expect(new Set(ids).size).toBe(ids.length);
        for (const panel of panels) {
          expect(panel.targets?.length ?? 0, `panel "${panel.title}" has no query`).toBeGreaterThan(0);
          expect(panel.datasource).toEqual(DEFAULT_DASHBOARDS_CONFIG.datasource);
        }
        for (const { panelTitle, target } of targetsOf(dashboard)) {
          expect(target.query.trim(), `empty query in "${panelTitle}"`).not.toBe('');
          expect(target).toMatchObject({ rawQuery: true, datasource: DEFAULT_DASHBOARDS_CONFIG.datasource });
        }
        const refIds = panels.map((p) => ((p.targets ?? []) as InfluxQLQuery[]).map((t) => t.refId));
        for (const ids of refIds) expect(new Set(ids).size).toBe(ids.length);
      });

      it('names only variables that exist, and defines each before a variable query uses it', () => {
        const defined = new Set<string>();
        for (const variable of variables) {
          for (const name of referencedNames(variable.query)) {
            expect(defined.has(name), `variable $${variable.name} uses $${name} before it is defined`).toBe(true);
          }
          defined.add(variable.name);
        }
        const texts = [...panels.map((p) => p.title ?? ''), ...targetsOf(dashboard).map((t) => t.target.query)];
        for (const text of texts) {
          for (const name of referencedNames(text)) {
            expect(defined.has(name) || BUILTIN_MACROS.has(name), `"$${name}" in ${text} is neither a variable nor a Grafana macro`).toBe(true);
          }
        }
      });

      it('aliases only with tags the query groups by', () => {
        for (const { target } of targetsOf(dashboard)) {
          for (const [, tag] of (target.alias ?? '').matchAll(/\$tag_(\w+)/g)) {
            expect(target.query, `alias ${target.alias}`).toMatch(new RegExp(`GROUP BY .*"${tag}"`));
          }
        }
      });

      it('styles series by names the queries produce (Grafana names an unaliased series "<measurement>.<field>")', () => {
        for (const panel of panels) {
          const targets = (panel.targets ?? []) as InfluxQLQuery[];
          for (const override of panel.fieldConfig?.overrides ?? []) {
            if (override.matcher.id !== 'byName') continue;
            const name = String(override.matcher.options);
            const produced = targets.some(
              (t) =>
                t.alias === name ||
                (t.alias === '$col' && new RegExp(`(SELECT|,) *"${name}"|AS "${name}"`).test(t.query)) ||
                (t.alias?.includes('$tag_') ?? false),
            );
            expect(produced, `override "${name}" in "${panel.title}" matches no series`).toBe(true);
          }
        }
      });

      it('queries only measurements, tags and fields Tocsin writes', () => {
        const specs = Object.values(MEASUREMENTS);
        for (const query of [...targetsOf(dashboard).map((t) => t.target.query), ...variables.map((v) => v.query)]) {
          const measurement = /FROM "([^"]+)"/.exec(query)?.[1];
          const spec = specs.find((s) => s.name === measurement);
          expect(spec, `unknown measurement in ${query}`).toBeDefined();
          const aliases = new Set([...query.matchAll(/ AS "([^"]+)"/g)].map((m) => m[1]));
          const known = new Set<string>([spec!.name, ...spec!.tags, ...(spec!.optionalTags ?? []), ...spec!.fields]);
          for (const [, name] of query.matchAll(/"([^"]+)"/g)) {
            expect(known.has(name!) || aliases.has(name!), `"${name}" is not a tag or field of ${spec!.name}: ${query}`).toBe(true);
          }
        }
      });
    });
  }
});
