// Writes dashboards/generated/*.json: `npx tsx dashboards/generate.ts`.
// test/dashboards/dashboards.test.ts fails when the committed files differ from
// what this renders, so run it after every change under dashboards/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDashboards } from './render';

const outDir = join(import.meta.dirname, 'generated');
mkdirSync(outDir, { recursive: true });
for (const { file, json } of renderDashboards()) {
  writeFileSync(join(outDir, file), json);
  console.log(`wrote dashboards/generated/${file}`);
}
