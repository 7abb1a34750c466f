// Services meet only through topics and shared libraries: no service workspace
// depends on or imports another service, and no library imports a service.
// Only the CLI (the composition root) may import services. Every workspace is
// classified here, so a new one fails this test until someone decides its kind.
// One exception, kept narrow: the simulator's scenarios are test data, so other
// services' tests and benches may use them (a devDependency), never their src.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SERVICES_DIR = join(ROOT, 'services');

const KIND: Record<string, 'service' | 'library' | 'composition-root'> = {
  alert: 'service',
  desk: 'service',
  detect: 'service',
  ingest: 'service',
  simulator: 'service',
  core: 'library',
  detectors: 'library',
  http: 'library',
  cli: 'composition-root',
};

const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

/** Module specifiers of static imports, re-exports, dynamic imports and requires. */
function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE_EXTENSIONS.has(extname(name)) ? [path] : [];
  });
}

/** The workspace folder a specifier in `file` points into, or null for packages outside the repository. */
function targetWorkspace(file: string, specifier: string, packageToFolder: Map<string, string>): string | null {
  if (specifier.startsWith('.')) {
    const parts = relative(SERVICES_DIR, resolve(dirname(file), specifier)).split(sep);
    return parts[0] === '..' ? null : parts[0]!;
  }
  const packageName = specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  return packageToFolder.get(packageName) ?? null;
}

const workspaces = readdirSync(SERVICES_DIR).filter((name) => statSync(join(SERVICES_DIR, name, 'package.json'), { throwIfNoEntry: false }));
const manifest = (folder: string) => JSON.parse(readFileSync(join(SERVICES_DIR, folder, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
const packageToFolder = new Map(workspaces.map((folder) => [manifest(folder).name, folder]));

/** Services whose exports other services' tests and benches may use as fixtures. */
const TEST_FIXTURE_SERVICES = new Set(['simulator']);
const FIXTURE_FOLDERS = new Set(['test', 'bench']);

/** What `folder` may reach: a composition root anything, others only libraries (and themselves). */
const allowed = (folder: string, target: string): boolean => target === folder || KIND[folder] === 'composition-root' || KIND[target] === 'library';

/** Whether `file` of workspace `folder` may import workspace `target`. */
function importAllowed(folder: string, file: string, target: string): boolean {
  if (allowed(folder, target)) return true;
  const area = relative(join(SERVICES_DIR, folder), file).split(sep)[0]!;
  return TEST_FIXTURE_SERVICES.has(target) && FIXTURE_FOLDERS.has(area) && KIND[folder] !== 'library';
}

describe('workspace dependencies', () => {
  it('classifies every workspace under services/', () => {
    expect(workspaces.filter((folder) => !(folder in KIND))).toEqual([]);
    expect(Object.keys(KIND).filter((folder) => !workspaces.includes(folder))).toEqual([]);
  });

  it('finds static, type-only, side-effect, dynamic and require imports', () => {
    const source = "import { a } from '@tocsin/alert';\nimport type { B } from \"../desk/src/b\";\nimport '@tocsin/detect/main';\nexport * from './c';\nconst d = await import('@tocsin/ingest/main');\nrequire('x');";
    expect(importSpecifiers(source).sort()).toEqual(['../desk/src/b', './c', '@tocsin/alert', '@tocsin/detect/main', '@tocsin/ingest/main', 'x'].sort());
    const file = join(SERVICES_DIR, 'alert', 'src', 'a.ts');
    expect(targetWorkspace(file, '../../desk/src/b', packageToFolder)).toBe('desk');
    expect(targetWorkspace(file, '@tocsin/http', packageToFolder)).toBe('http');
    expect(allowed('alert', 'desk')).toBe(false);
    expect(allowed('alert', 'http')).toBe(true);
    expect(importAllowed('detect', join(SERVICES_DIR, 'detect', 'bench', 'b.ts'), 'simulator')).toBe(true);
    expect(importAllowed('detect', join(SERVICES_DIR, 'detect', 'src', 'b.ts'), 'simulator')).toBe(false);
    expect(importAllowed('detect', join(SERVICES_DIR, 'detect', 'test', 'b.ts'), 'alert')).toBe(false);
  });

  it('no service or library declares a dependency on a service', () => {
    const offending = workspaces.flatMap((folder) => {
      const { dependencies = {}, devDependencies = {} } = manifest(folder);
      const fixture = (name: string) => name in devDependencies && !(name in dependencies) && TEST_FIXTURE_SERVICES.has(packageToFolder.get(name)!) && KIND[folder] !== 'library';
      return Object.keys({ ...dependencies, ...devDependencies })
        .filter((name) => packageToFolder.has(name) && !allowed(folder, packageToFolder.get(name)!) && !fixture(name))
        .map((name) => `${folder} depends on ${name}`);
    });
    expect(offending).toEqual([]);
  });

  it('no file of a service or library imports a service (src, test, bench, scripts)', () => {
    const offending = workspaces.flatMap((folder) =>
      sourceFiles(join(SERVICES_DIR, folder)).flatMap((file) =>
        importSpecifiers(readFileSync(file, 'utf8'))
          .filter((specifier) => {
            const target = targetWorkspace(file, specifier, packageToFolder);
            return target !== null && !importAllowed(folder, file, target);
          })
          .map((specifier) => `${relative(ROOT, file)} imports ${specifier}`),
      ),
    );
    expect(offending).toEqual([]);
  });
});
