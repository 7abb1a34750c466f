// Walks generated dashboards: every panel (also inside collapsed rows), every
// InfluxQL target, every template variable. Shared by the unit and int tests.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { InfluxQLQuery } from '../../dashboards/influxql';

export interface PanelTarget {
  panelId: number | undefined;
  panelTitle: string;
  target: InfluxQLQuery;
}

type AnyPanel = dashboard.Panel | dashboard.RowPanel;

export function panelsOf(d: dashboard.Dashboard): dashboard.Panel[] {
  const out: dashboard.Panel[] = [];
  const visit = (panels: AnyPanel[] | undefined): void => {
    for (const panel of panels ?? []) {
      if (panel.type === 'row') visit((panel as dashboard.RowPanel).panels);
      else out.push(panel as dashboard.Panel);
    }
  };
  visit(d.panels as AnyPanel[] | undefined);
  return out;
}

export function targetsOf(d: dashboard.Dashboard): PanelTarget[] {
  return panelsOf(d).flatMap((panel) =>
    ((panel.targets ?? []) as InfluxQLQuery[]).map((target) => ({ panelId: panel.id, panelTitle: panel.title ?? '', target })),
  );
}

export interface TemplateVariable {
  name: string;
  query: string;
  multi: boolean;
  includeAll: boolean;
  allValue: string | undefined;
}

export function variablesOf(d: dashboard.Dashboard): TemplateVariable[] {
  return (d.templating?.list ?? []).map((v) => ({
    name: v.name,
    query: typeof v.query === 'string' ? v.query : '',
    multi: v.multi ?? false,
    includeAll: v.includeAll ?? false,
    allValue: v.allValue,
  }));
}

/** Names a text refers to as $name, ${name} or [[name]] (Grafana's three variable syntaxes). */
export function referencedNames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g)) names.add(match[1] ?? match[2] ?? match[3] ?? '');
  names.delete('');
  return [...names];
}

/** Grafana's built-in InfluxQL macros. */
export const BUILTIN_MACROS = new Set(['timeFilter', '__interval', '__interval_ms', '__from', '__to', '__range', '__range_s', '__range_ms']);
