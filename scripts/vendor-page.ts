// Copies the watch-desk page's chart and map libraries from node_modules into
// services/desk/src/page/vendor/ (served by the page server, so the page works
// offline and loads nothing from a CDN). Exact versions are pinned in
// services/desk/package.json; VERSIONS.json records what was copied.
//   npx tsx scripts/vendor-page.ts          write the files
//   npx tsx scripts/vendor-page.ts --check  compare only (exit 1 on a difference); a desk test runs it
// Files are the packages' dist files as published, with two exceptions stated here:
// d3-geo's import of "d3-array" is pointed at the vendored copy (a browser has no
// package resolution), the ES module builds of d3 are named .esm.js (the page server
// serves .js), and world-atlas's TopoJSON countries are converted to GeoJSON
// (topojson-client's feature()) with each country's ISO 3166-1 alpha-2 code added from
// i18n-iso-countries' code table, because Tocsin names countries by alpha-2.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const desk = join(root, 'services/desk');
export const VENDOR_DIR = join(desk, 'src/page/vendor');
const require = createRequire(join(desk, 'package.json'));

/** The package's folder as Node would find it from the desk workspace (some packages do not export package.json). */
function packageDir(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) if (existsSync(join(dir, name, 'package.json'))) return join(dir, name);
  throw new Error(`${name} is not installed: run npm ci`);
}
const read = (name: string, file: string): Buffer => readFileSync(join(packageDir(name), file));
const versionOf = (name: string): string => (JSON.parse(read(name, 'package.json').toString('utf8')) as { version: string }).version;

/** Coordinates to 0.01 degree (about 1 km): plenty for a 110m map, a third of the size. */
function roundCoordinates(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 100) / 100;
  return Array.isArray(value) ? value.map(roundCoordinates) : value;
}

async function worldGeoJson(): Promise<Buffer> {
  const topology = JSON.parse(read('world-atlas', 'countries-110m.json').toString('utf8'));
  const { feature } = (await import(join(packageDir('topojson-client'), 'dist/topojson-client.js'))) as { feature: (t: unknown, o: unknown) => { features: Array<{ id?: string; properties: { name: string }; geometry: { type: string; coordinates: unknown } }> } };
  const codes = JSON.parse(read('i18n-iso-countries', 'codes.json').toString('utf8')) as Array<[string, string, string]>;
  const alpha2 = new Map(codes.map(([a2, , numeric]) => [numeric, a2]));
  const features = feature(topology, topology.objects.countries).features.map((f) => ({
    type: 'Feature',
    // Kosovo has no ISO numeric code in Natural Earth's data; Tocsin uses the user-assigned XK.
    properties: { name: f.properties.name, iso2: (f.id && alpha2.get(f.id)) ?? (f.properties.name === 'Kosovo' ? 'XK' : null) },
    geometry: { type: f.geometry.type, coordinates: roundCoordinates(f.geometry.coordinates) },
  }));
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }) + '\n');
}

/** Relative path under vendor/ → content. */
export async function vendorFiles(): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  files.set('uplot/uPlot.esm.js', read('uplot', 'dist/uPlot.esm.js'));
  files.set('uplot/uPlot.min.css', read('uplot', 'dist/uPlot.min.css'));
  files.set('uplot/LICENSE', read('uplot', 'LICENSE'));
  files.set('d3-array/d3-array.esm.js', read('d3-array', 'dist/d3-array.min.mjs'));
  files.set('d3-array/LICENSE', read('d3-array', 'LICENSE'));
  const geo = read('d3-geo', 'dist/d3-geo.min.mjs').toString('utf8');
  const rewritten = geo.replace(/from\s*"d3-array"/, 'from"../d3-array/d3-array.esm.js"');
  if (rewritten === geo) throw new Error('d3-geo no longer imports "d3-array" as expected: check scripts/vendor-page.ts');
  files.set('d3-geo/d3-geo.esm.js', Buffer.from(rewritten));
  files.set('d3-geo/LICENSE', read('d3-geo', 'LICENSE'));
  files.set('world-atlas/countries-110m.geo.json', await worldGeoJson());
  files.set('world-atlas/LICENSE', Buffer.concat([read('world-atlas', 'LICENSE'), Buffer.from('\nThe boundaries are Natural Earth 1:110m admin-0 countries (public domain, naturalearthdata.com).\nISO alpha-2 codes from i18n-iso-countries (MIT, Copyright (c) 2016 Michael Wittig).\n')]));
  const versions = Object.fromEntries(['uplot', 'd3-array', 'd3-geo', 'world-atlas', 'topojson-client', 'i18n-iso-countries'].map((n) => [n, versionOf(n)]));
  files.set('VERSIONS.json', Buffer.from(JSON.stringify(versions, null, 2) + '\n'));
  return files;
}

/** Files under vendor/ that differ from what the pinned packages give. */
export async function vendorDrift(): Promise<string[]> {
  const out: string[] = [];
  for (const [path, content] of await vendorFiles()) {
    const at = join(VENDOR_DIR, path);
    if (!existsSync(at) || !readFileSync(at).equals(content)) out.push(path);
  }
  return out;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  if (process.argv.includes('--check')) {
    const drift = await vendorDrift();
    if (drift.length > 0) {
      console.error(`vendored page libraries differ from node_modules: ${drift.join(', ')}; run npx tsx scripts/vendor-page.ts`);
      process.exit(1);
    }
    console.log('vendored page libraries match node_modules');
  } else {
    for (const [path, content] of await vendorFiles()) {
      mkdirSync(dirname(join(VENDOR_DIR, path)), { recursive: true });
      writeFileSync(join(VENDOR_DIR, path), content);
    }
    console.log(`wrote ${VENDOR_DIR}`);
  }
}
