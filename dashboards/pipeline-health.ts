// "Tocsin — pipeline health": are warnings reaching the agencies, how fast, and is
// detect scoring buckets. Built only on measurements a service writes (measurements.ts);
// what is not yet measured is listed in docs/operations.md#dashboards.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardsConfig } from './config';
import { defaultTable, defaultTimeseries, ident, influxql, tagVariable, timePicker } from './common';

export const PIPELINE_HEALTH_UID = 'tocsin-pipeline-health';

export function pipelineHealthDashboard(config: DashboardsConfig): dashboard.DashboardBuilder {
  const ds = config.datasource;
  const deliveries = ident(config.measurements.deliveryAttempt.name);
  const buckets = ident(config.measurements.bucket.name);
  // Multi-value with "All": Grafana turns the selection into a regular expression.
  const agencies = `"agency" =~ /^$agency$/`;

  return new dashboard.DashboardBuilder('Tocsin — pipeline health')
    .uid(PIPELINE_HEALTH_UID)
    .description(
      `Webhook deliveries (measurement ${config.measurements.deliveryAttempt.name}) and detector throughput ` +
        `(measurement ${config.measurements.bucket.name}). InfluxQL on an InfluxDB data source.`,
    )
    .tags(['tocsin', 'operations', 'generated'])
    .readonly()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time(config.pipelineRange)
    .timezone('utc')
    .refresh(config.refresh)
    .timepicker(timePicker())
    .withVariable(
      tagVariable(ds, 'agency', 'Agency', `SHOW TAG VALUES FROM ${deliveries} WITH KEY = "agency"`)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    )
    .withPanel(
      defaultTimeseries(ds)
        .id(1)
        .title('Delivery attempts by outcome')
        .description('Webhook attempts per outcome: delivered, http_error, throttled, gone, timeout, network_error, ssrf_refused.')
        .unit('short')
        .drawStyle(common.GraphDrawStyle.Bars)
        .fillOpacity(60)
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
        .withTarget(
          influxql(ds, `SELECT count("duration_ms") FROM ${deliveries} WHERE ${agencies} AND $timeFilter GROUP BY time($__interval), "outcome" fill(none)`).alias(
            '$tag_outcome',
          ),
        )
        .overrideByName('delivered', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'green' } }])
        .span(12)
        .height(8),
    )
    .withPanel(
      defaultTimeseries(ds)
        .id(2)
        .title('Delivery attempt duration')
        .description('HTTP round trip of each attempt, median, 95th percentile and maximum.')
        .unit('ms')
        .withTarget(
          influxql(
            ds,
            `SELECT median("duration_ms") AS "p50", percentile("duration_ms", 95) AS "p95", max("duration_ms") AS "max" FROM ${deliveries} WHERE ${agencies} AND $timeFilter GROUP BY time($__interval) fill(none)`,
          ).alias('$col'),
        )
        .span(12)
        .height(8),
    )
    .withPanel(
      defaultTimeseries(ds)
        .id(3)
        .title('Delivery latency: scheduled to attempt')
        .description('How long after scheduling a delivery each attempt ended (grows with retries and open circuit breakers), 95th percentile and maximum per outcome.')
        .unit('ms')
        .withTarget(
          influxql(
            ds,
            `SELECT percentile("age_ms", 95) AS "p95", max("age_ms") AS "max" FROM ${deliveries} WHERE ${agencies} AND $timeFilter GROUP BY time($__interval), "outcome" fill(none)`,
          ).alias('$tag_outcome $col'),
        )
        .span(12)
        .height(8),
    )
    .withPanel(
      defaultTimeseries(ds)
        .id(4)
        .title('Retries')
        .description('Attempts after the first one of a delivery, per agency. A steady flow means an endpoint keeps failing.')
        .unit('short')
        .drawStyle(common.GraphDrawStyle.Bars)
        .fillOpacity(60)
        .withTarget(
          influxql(ds, `SELECT count("attempt") FROM ${deliveries} WHERE "attempt" > 1 AND ${agencies} AND $timeFilter GROUP BY time($__interval), "agency" fill(none)`).alias(
            '$tag_agency',
          ),
        )
        .span(12)
        .height(8),
    )
    .withPanel(
      defaultTable(ds)
        .id(5)
        .title('Failed attempts per agency and endpoint')
        .description('Attempts that did not deliver, by agency, endpoint host, outcome and last HTTP status. Exhausted deliveries go to dead-letter.v1 (reason delivery_exhausted).')
        .withTarget(
          influxql(
            ds,
            `SELECT count("duration_ms") AS "attempts", last("status_code") AS "last status" FROM ${deliveries} WHERE "outcome" != 'delivered' AND ${agencies} AND $timeFilter GROUP BY "agency", "endpoint", "outcome"`,
          ).resultFormat('table'),
        )
        .span(12)
        .height(8),
    )
    .withPanel(
      defaultTimeseries(ds)
        .id(6)
        .title('Scored buckets per detector')
        .description('Detector rows written by detect, by bucket start (event time). A detector whose line stops has stopped scoring.')
        .unit('short')
        .withTarget(
          influxql(ds, `SELECT count("observed") FROM ${buckets} WHERE $timeFilter GROUP BY time($__interval), "detector" fill(none)`).alias('$tag_detector'),
        )
        .span(12)
        .height(8),
    );
}
