// An InfluxQL query target for Grafana's InfluxDB data source. The foundation SDK ships
// no InfluxDB query type, so this builder fills the gap with the JSON Grafana's
// InfluxDB plugin stores for a raw InfluxQL query ("rawQuery": true).
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';

/** time_series: one frame per series (graphs); table: rows with tag columns (tables). */
export type InfluxResultFormat = 'time_series' | 'table';

/** The target as it appears in the dashboard JSON. */
export interface InfluxQLQuery extends cog.Dataquery {
  refId: string;
  datasource: common.DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: InfluxResultFormat;
  alias?: string;
}

export class InfluxQLQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly target: InfluxQLQuery;

  constructor(datasource: common.DataSourceRef, query: string) {
    this.target = {
      refId: 'A',
      datasource,
      query,
      rawQuery: true,
      resultFormat: 'time_series',
      // Marks the object as a data query for the SDK's types; JSON.stringify drops it.
      _implementsDataqueryVariant: () => {},
    };
  }

  refId(refId: string): this {
    this.target.refId = refId;
    return this;
  }

  resultFormat(format: InfluxResultFormat): this {
    this.target.resultFormat = format;
    return this;
  }

  /** Series name; Grafana expands $tag_<key> and $col. */
  alias(alias: string): this {
    this.target.alias = alias;
    return this;
  }

  build(): InfluxQLQuery {
    return this.target;
  }
}
