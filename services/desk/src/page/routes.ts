// Serves the watch-desk page: every file under this folder (the shell, its view
// modules under views/ and vendored libraries under vendor/), read once at start-up.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { ApiRoutes } from '@tocsin/http';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

// Server-side sources in this folder are not part of the page.
const NOT_SERVED = new Set(['.ts']);

// The page loads nothing from elsewhere and runs no inline script.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

interface PageFile {
  type: string;
  body: Buffer;
}

/** URL path → file, for every servable file under `root`; `/` is index.html. */
export function pageFiles(root: string): Map<string, PageFile> {
  const files = new Map<string, PageFile>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const type = CONTENT_TYPES[extname(name)];
      if (!type || NOT_SERVED.has(extname(name))) continue;
      const urlPath = `/${relative(root, path).split(sep).join('/')}`;
      files.set(urlPath === '/index.html' ? '/' : urlPath, { type, body: readFileSync(path) });
    }
  };
  walk(root);
  return files;
}

export function pageRoutes(): ApiRoutes {
  const files = pageFiles(import.meta.dirname);
  return {
    name: 'page',
    paths: {},
    register(app) {
      for (const [path, file] of files) {
        app.get(path, { schema: { hide: true } }, async (_request, reply) => {
          void reply
            .header('content-type', file.type)
            .header('content-security-policy', CSP)
            .header('x-content-type-options', 'nosniff')
            .header('referrer-policy', 'no-referrer')
            .header('cache-control', 'no-cache');
          return file.body;
        });
      }
    },
  };
}
