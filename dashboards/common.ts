// Defaults every Tocsin panel and variable shares, so the two dashboards look and
// behave alike and a change of style is made once.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { InfluxQLQueryBuilder } from './influxql';

/** An InfluxQL identifier in double quotes (measurement, tag or field name). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '\\"')}"`;
}

/** A raw InfluxQL target on the given data source. */
export function influxql(datasource: common.DataSourceRef, query: string): InfluxQLQueryBuilder {
  return new InfluxQLQueryBuilder(datasource, query);
}

export function defaultTimeseries(datasource: common.DataSourceRef): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .datasource(datasource)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Auto)
    .drawStyle(common.GraphDrawStyle.Line)
    .lineInterpolation(common.LineInterpolation.Linear)
    // Buckets with no row are gaps, not zeros: a zero is a real observation.
    .spanNulls(false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .placement(common.LegendPlacement.Bottom)
        .displayMode(common.LegendDisplayMode.List),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
}

export function defaultTable(datasource: common.DataSourceRef): table.PanelBuilder {
  return new table.PanelBuilder().datasource(datasource).showHeader(true).filterable(true).cellHeight(common.TableCellHeight.Sm);
}

/** A single-value variable filled from the values of one tag. */
export function tagVariable(
  datasource: common.DataSourceRef,
  name: string,
  label: string,
  query: string,
): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(datasource)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnDashboardLoad)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}

export function timePicker(): dashboard.TimePickerBuilder {
  return new dashboard.TimePickerBuilder().refreshIntervals(['1m', '5m', '15m', '1h']);
}
