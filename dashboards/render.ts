// Renders every dashboard to the JSON text committed under dashboards/generated/.
// Pure (no I/O), so generate.ts writes it and the tests compare it.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DEFAULT_DASHBOARDS_CONFIG, type DashboardsConfig } from './config';
import { pipelineHealthDashboard } from './pipeline-health';
import { watchDeskDashboard } from './watch-desk';

export interface RenderedDashboard {
  /** File name under dashboards/generated/. */
  file: string;
  dashboard: dashboard.Dashboard;
  /** Pretty-printed JSON with a final newline, as committed. */
  json: string;
}

export function renderDashboards(config: DashboardsConfig = DEFAULT_DASHBOARDS_CONFIG): RenderedDashboard[] {
  const built = [
    { file: 'watch-desk-overview.json', dashboard: watchDeskDashboard(config).build() },
    { file: 'pipeline-health.json', dashboard: pipelineHealthDashboard(config).build() },
  ];
  return built.map((d) => ({ ...d, json: `${JSON.stringify(d.dashboard, null, 2)}\n` }));
}
