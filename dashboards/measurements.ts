// What Tocsin writes to InfluxDB, as the dashboards rely on it. Each entry names the
// source file that writes the measurement; test/dashboards/measurements.test.ts reads
// those files and fails when a name, tag or field listed here is not in them, so a
// dashboard can only chart what a service really writes.

export interface MeasurementSpec {
  name: string;
  /** Repository path of the module that builds the points. */
  writtenBy: string;
  /** Service process that sends them (and the setting that turns them on). */
  writer: string;
  tags: readonly string[];
  /** Tags only some points carry (said in `point`). */
  optionalTags?: readonly string[];
  fields: readonly string[];
  /** What one point is, and what its timestamp means. */
  point: string;
}

export const MEASUREMENTS = {
  bucket: {
    name: 'tocsin_bucket',
    writtenBy: 'services/detect/src/score/signals.ts',
    writer: 'detect, when INFLUX_URL is set (tocsin service detect and npm start)',
    tags: ['detector', 'dim_type', 'dim_key', 'granularity'],
    optionalTags: ['origin', 'destination'],
    fields: ['observed', 'expected', 'upperbound', 'score', 'p_value', 'alarm'],
    point:
      'one detector row of one closed bucket of one dimension key; time = bucket start (event time). ' +
      'origin and destination: on route_edge points only (the edge\'s countries). ' +
      'alarm is 1 or 0; expected, upperbound, score, p_value are absent when the detector has none.',
  },
  deliveryAttempt: {
    name: 'alert_delivery_attempt',
    writtenBy: 'services/alert/src/delivery/service.ts',
    writer: 'alert, when INFLUX_URL is set (tocsin service alert and npm start)',
    tags: ['agency', 'outcome', 'event_type', 'endpoint'],
    optionalTags: [],
    fields: ['attempt', 'duration_ms', 'status_code', 'age_ms'],
    point:
      'one webhook delivery attempt; time = when the attempt ended (wall clock). ' +
      'age_ms = time since the delivery was scheduled; status_code is 0 without an HTTP response.',
  },
} as const satisfies Record<string, MeasurementSpec>;

export type MeasurementKey = keyof typeof MEASUREMENTS;
