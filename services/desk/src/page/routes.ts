// Serves the watch-desk page: static files read once at start-up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeskRoutes } from '../server';

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

// The page loads nothing from elsewhere and runs no inline script.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

export function pageRoutes(): DeskRoutes {
  const contents = Object.fromEntries(Object.entries(FILES).map(([path, f]) => [path, readFileSync(join(import.meta.dirname, f.file))]));
  return {
    name: 'page',
    paths: {},
    register(app) {
      for (const [path, f] of Object.entries(FILES)) {
        app.get(path, { schema: { hide: true } }, async (_request, reply) => {
          void reply
            .header('content-type', f.type)
            .header('content-security-policy', CSP)
            .header('x-content-type-options', 'nosniff')
            .header('referrer-policy', 'no-referrer')
            .header('cache-control', 'no-cache');
          return contents[path];
        });
      }
    },
  };
}
