// The page's chart and map libraries are served from the project (no CDN), and the
// committed copies are exactly what the pinned packages give (scripts/vendor-page.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vendorDrift, vendorFiles } from '../../../scripts/vendor-page';
import { pageFiles } from '../src/page/routes';

describe('vendored page libraries', () => {
  it('match the pinned packages in node_modules', async () => {
    expect(await vendorDrift()).toEqual([]);
  });

  it('are served by the page server, each script and style and data file with a licence beside it', async () => {
    const served = pageFiles(join(import.meta.dirname, '../src/page'));
    const files = [...(await vendorFiles()).keys()];
    for (const path of files.filter((p) => /\.(js|css|json)$/.test(p))) {
      expect(served.has(`/vendor/${path}`), path).toBe(true);
      if (path !== 'VERSIONS.json') expect(files, path).toContain(`${path.split('/')[0]}/LICENSE`);
    }
  });
});
