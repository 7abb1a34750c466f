// Runs dashboard queries the way Grafana does against InfluxDB 1.x: InfluxQL over
// /query, with $timeFilter, $__interval and template variables substituted.
// Shared by the dashboards' int tests.
import type { TemplateVariable } from './panels';

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

/** Runs one InfluxQL statement; throws with the server's error. */
export async function influxql(url: string, query: string, database?: string): Promise<InfluxSeries[]> {
  const params = new URLSearchParams({ q: query, epoch: 'ms' });
  if (database !== undefined) params.set('db', database);
  const response = await fetch(`${url}/query`, { method: 'POST', body: params });
  const body = (await response.json()) as { error?: string; results?: Array<{ error?: string; series?: InfluxSeries[] }> };
  const error = body.error ?? body.results?.find((result) => result.error !== undefined)?.error;
  if (!response.ok || error !== undefined) throw new Error(`InfluxQL failed (${response.status}): ${error}\n  ${query}`);
  return body.results?.flatMap((result) => result.series ?? []) ?? [];
}

/** A query with Grafana's macros and the chosen variable values filled in. */
export function substitute(query: string, values: Map<string, string>, timeFilter: string): string {
  return query
    .replaceAll('$timeFilter', timeFilter)
    .replaceAll('$__interval', '1h')
    .replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => values.get(braced ?? bare ?? '') ?? whole);
}

/** Picks a variable's value from what its query returned: the preferred one if there, else the first. */
export function choose(variable: TemplateVariable, returned: string[], preferred: Record<string, string>): string {
  const wanted = preferred[variable.name];
  if (variable.includeAll) return variable.allValue ?? '.*';
  return wanted !== undefined && returned.includes(wanted) ? wanted : (returned[0] ?? '');
}
