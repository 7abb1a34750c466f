import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Folder for downloaded artefacts that survive between test runs (git-ignored).
 * `TOCSIN_CACHE_DIR` moves it, e.g. to a CI cache volume.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['TOCSIN_CACHE_DIR'];
  return override !== undefined && override !== '' ? resolve(override) : join(REPO_ROOT, '.cache');
}
