// The one object every dashboard is a function of: where the data is and how the
// desk sees it. Deployments that name their data source differently change it here
// (and in deploy/grafana/provisioning/datasources/tocsin-influxdb.yaml), then regenerate.
import type * as common from '@grafana/grafana-foundation-sdk/common';
import { MEASUREMENTS } from './measurements';

export interface DashboardsConfig {
  /** The InfluxDB data source, InfluxQL query language. */
  datasource: common.DataSourceRef;
  measurements: typeof MEASUREMENTS;
  /** Grafana folder the provisioning puts the dashboards in. */
  folder: string;
  /** Default time range of the watch desk: buckets are days or ISO weeks. */
  watchDeskRange: { from: string; to: string };
  /** Default time range of pipeline health: deliveries happen in minutes. */
  pipelineRange: { from: string; to: string };
  refresh: string;
  /** Rows of the "top dimension keys" table per dimension type. */
  topKeys: number;
  /** Rows of the alarms table. */
  alarmRows: number;
}

export const DEFAULT_DASHBOARDS_CONFIG: DashboardsConfig = {
  datasource: { type: 'influxdb', uid: 'tocsin-influxdb' },
  measurements: MEASUREMENTS,
  folder: 'Tocsin',
  watchDeskRange: { from: 'now-90d', to: 'now' },
  pipelineRange: { from: 'now-24h', to: 'now' },
  refresh: '5m',
  topKeys: 10,
  alarmRows: 200,
};
