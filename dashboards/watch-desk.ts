// "Tocsin — watch desk overview": what the detectors flagged, which dimension keys
// score highest, and one key's observed count against its baseline.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import type { DashboardsConfig } from './config';
import { defaultTable, defaultTimeseries, ident, influxql, tagVariable, timePicker } from './common';

export const WATCH_DESK_UID = 'tocsin-watch-desk';

/** ESSENCE-style grades of an alarm's p-value (docs/detectors.md, DOMAIN.md). */
const P_RED = 0.01;
const P_YELLOW = 0.05;

export function watchDeskDashboard(config: DashboardsConfig): dashboard.DashboardBuilder {
  const ds = config.datasource;
  const m = config.measurements.bucket;
  const from = ident(m.name);
  const selectedKey = `"detector" = '$detector' AND "dim_type" = '$dim_type' AND "dim_key" = '$dim_key'`;

  return new dashboard.DashboardBuilder('Tocsin — watch desk overview')
    .uid(WATCH_DESK_UID)
    .description(
      `Alarms and baselines of the count-series detectors, from measurement ${m.name} (one point per detector row ` +
        'and closed bucket, timed at the bucket start). InfluxQL on an InfluxDB data source.',
    )
    .tags(['tocsin', 'watch-desk', 'generated'])
    .readonly()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time(config.watchDeskRange)
    .timezone('utc')
    .refresh(config.refresh)
    .timepicker(timePicker())
    .withVariable(tagVariable(ds, 'detector', 'Detector', `SHOW TAG VALUES FROM ${from} WITH KEY = "detector"`))
    .withVariable(tagVariable(ds, 'dim_type', 'Dimension type', `SHOW TAG VALUES FROM ${from} WITH KEY = "dim_type" WHERE "detector" = '$detector'`))
    .withVariable(
      tagVariable(
        ds,
        'dim_key',
        'Dimension key',
        `SHOW TAG VALUES FROM ${from} WITH KEY = "dim_key" WHERE "detector" = '$detector' AND "dim_type" = '$dim_type'`,
      ),
    )
    .withPanel(
      defaultTimeseries(ds)
        .id(1)
        .title('Alarms per detector')
        .description('Detector rows that raised an alarm, per detector, by bucket start. A signal is an alarm that also passed the FDR control and the per-bucket budget.')
        .unit('short')
        .drawStyle(common.GraphDrawStyle.Bars)
        .fillOpacity(60)
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
        .withTarget(
          influxql(ds, `SELECT sum("alarm") FROM ${from} WHERE $timeFilter GROUP BY time($__interval), "detector" fill(none)`).alias('$tag_detector'),
        )
        .span(12)
        .height(8),
    )
    .withPanel(
      defaultTimeseries(ds)
        .id(2)
        .title('Alarms by p-value grade')
        .description(
          `Alarms graded like ESSENCE: red p < ${P_RED}, yellow ${P_RED} ≤ p < ${P_YELLOW}. Alarms of detectors without a p-value (CUSUM, EWMA) count only in "all". ` +
            'The severity Tocsin gives a signal also weighs q-value and breadth and is not written to InfluxDB.',
        )
        .unit('short')
        .drawStyle(common.GraphDrawStyle.Bars)
        .fillOpacity(60)
        .withTarget(
          influxql(ds, `SELECT count("observed") FROM ${from} WHERE "alarm" = 1 AND "p_value" < ${P_RED} AND $timeFilter GROUP BY time($__interval) fill(none)`)
            .refId('A')
            .alias('red (p < 0.01)'),
        )
        .withTarget(
          influxql(
            ds,
            `SELECT count("observed") FROM ${from} WHERE "alarm" = 1 AND "p_value" >= ${P_RED} AND "p_value" < ${P_YELLOW} AND $timeFilter GROUP BY time($__interval) fill(none)`,
          )
            .refId('B')
            .alias('yellow (p < 0.05)'),
        )
        .withTarget(
          influxql(ds, `SELECT count("observed") FROM ${from} WHERE "alarm" = 1 AND $timeFilter GROUP BY time($__interval) fill(none)`)
            .refId('C')
            .alias('all alarms'),
        )
        .overrideByName('red (p < 0.01)', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }])
        .overrideByName('yellow (p < 0.05)', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'yellow' } }])
        .overrideByName('all alarms', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'blue' } }])
        .span(12)
        .height(8),
    )
    .withPanel(
      defaultTimeseries(ds)
        .id(3)
        .title('Observed vs expected vs upper bound — $dim_type $dim_key ($detector)')
        .description('The selected key: observed count per bucket, the detector baseline and its alarm threshold. Points mark buckets that raised an alarm.')
        .unit('short')
        // Alias $col: series are named after the column ("upperbound"), not "tocsin_bucket.upperbound", so the overrides match.
        .withTarget(influxql(ds, `SELECT "observed", "expected", "upperbound" FROM ${from} WHERE ${selectedKey} AND $timeFilter`).refId('A').alias('$col'))
        .withTarget(
          influxql(ds, `SELECT "observed" AS "alarm" FROM ${from} WHERE ${selectedKey} AND "alarm" = 1 AND $timeFilter`).refId('B').alias('$col'),
        )
        .overrideByName('upperbound', [
          { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
          { id: 'color', value: { mode: 'fixed', fixedColor: 'orange' } },
        ])
        .overrideByName('expected', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'green' } }])
        .overrideByName('alarm', [
          { id: 'custom.drawStyle', value: 'points' },
          { id: 'custom.pointSize', value: 12 },
          { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
        ])
        .span(24)
        .height(9),
    )
    .withPanel(
      defaultTable(ds)
        .id(4)
        .title(`Top ${config.topKeys} dimension keys by score ($detector)`)
        .description('Per dimension type, the keys with the highest tocsin score of the selected detector in the time range (highest bucket of each key).')
        .withTarget(
          influxql(
            ds,
            `SELECT top("score", "dim_key", ${config.topKeys}) AS "score" FROM ${from} WHERE "detector" = '$detector' AND $timeFilter GROUP BY "dim_type"`,
          )
            .resultFormat('table'),
        )
        .span(10)
        .height(10),
    )
    .withPanel(
      defaultTable(ds)
        .id(5)
        .title('Alarms')
        .description(`The latest ${config.alarmRows} alarms of every detector, newest first.`)
        .withTarget(
          influxql(
            ds,
            `SELECT "detector", "dim_type", "dim_key", "granularity", "observed", "expected", "upperbound", "score", "p_value" FROM ${from} WHERE "alarm" = 1 AND $timeFilter ORDER BY time DESC LIMIT ${config.alarmRows}`,
          ).resultFormat('table'),
        )
        .span(14)
        .height(10),
    )
    .withPanel(routeGraphPanel(config, from));
}

/**
 * Route graph: one edge per route edge (origin -> destination, by transport method) with
 * its incidents in the time range (weekly buckets, one detector's rows per bucket so no
 * bucket counts twice) and the weeks in which any detector raised an alarm on it. Grafana's
 * node graph builds the country nodes from the edges' source and target.
 */
function routeGraphPanel(config: DashboardsConfig, from: string): nodegraph.PanelBuilder {
  const ds = config.datasource;
  const perWeek = `SELECT max("observed") AS "mainstat", max("alarm") AS "secondarystat" FROM ${from} WHERE "dim_type" = 'route_edge' AND "granularity" = 'week' AND $timeFilter GROUP BY time(1w), "dim_key", "origin", "destination"`;
  return new nodegraph.PanelBuilder()
    .id(6)
    .title('Route graph (route edges)')
    .description(
      'Countries joined by the route edges incidents were reported on: edge main statistic = incidents in the time range (weekly buckets), ' +
        'secondary = weeks with an alarm. The watch-desk page (#/routes) shows the same edges on a map with new and surging ones highlighted.',
    )
    .datasource(ds)
    .withTarget(
      influxql(ds, `SELECT sum("mainstat") AS "mainstat", sum("secondarystat") AS "secondarystat" FROM (${perWeek}) GROUP BY "dim_key", "origin", "destination"`).resultFormat('table'),
    )
    // The node graph reads an edges frame from fields named id, source and target.
    .withTransformation({
      id: 'organize',
      options: { excludeByName: { Time: true }, renameByName: { dim_key: 'id', origin: 'source', destination: 'target' } },
    })
    .span(24)
    .height(12);
}
