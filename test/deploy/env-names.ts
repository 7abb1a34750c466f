// Finds the environment variables a service's sources read, with the TypeScript
// parser rather than a text grep, so names passed through small helpers
// (`required(env, 'KAFKA_BROKERS')`, `num('ALERT_TICK_MS')`) are found too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/** `env`, `process.env`, or anything else ending in `.env`. */
function isEnvObject(node: ts.Expression): boolean {
  return (ts.isIdentifier(node) && node.text === 'env') || (ts.isPropertyAccessExpression(node) && node.name.text === 'env');
}

function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

function functionName(fn: ts.SignatureDeclaration): string | undefined {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const parent = fn.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return undefined;
}

/** Names of environment variables one source file reads. */
export function envNamesInSource(fileName: string, text: string): Set<string> {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const names = new Set<string>();
  // Functions that read env[param]: name -> index of that parameter.
  const helpers = new Map<string, number>();

  const literal = (node: ts.Node | undefined): string | undefined =>
    node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && ENV_NAME.test(node.text) ? node.text : undefined;

  const readKey = (key: ts.Node, at: ts.Node): void => {
    const name = literal(key);
    if (name) return void names.add(name);
    if (!ts.isIdentifier(key)) return;
    const fn = enclosingFunction(at);
    const index = fn?.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === key.text) ?? -1;
    const helper = fn && functionName(fn);
    if (helper && index >= 0) helpers.set(helper, index);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isElementAccessExpression(node) && isEnvObject(node.expression)) readKey(node.argumentExpression, node);
    else if (ts.isPropertyAccessExpression(node) && isEnvObject(node.expression) && ENV_NAME.test(node.name.text)) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(file);

  const calls = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const index = helpers.get(node.expression.text);
      const name = index === undefined ? undefined : literal(node.arguments[index]);
      if (name) names.add(name);
    }
    ts.forEachChild(node, calls);
  };
  calls(file);
  return names;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'generated' ? [] : sourceFiles(path);
    return /\.(ts|mts)$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

// Shared sources (core) are scanned once per run, not once per service.
const scanned = new Map<string, Set<string>>();

/** Variables one file on disk reads. */
export function envNamesInFile(file: string): Set<string> {
  let names = scanned.get(file);
  if (!names) scanned.set(file, (names = envNamesInSource(file, readFileSync(file, 'utf8'))));
  return names;
}

/** Every variable read in the given files and under the given directories, with the files that read it. */
export function envNamesIn(paths: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const files = paths.flatMap((path) => (statSync(path).isDirectory() ? sourceFiles(path) : [path]));
  for (const file of files) for (const name of envNamesInFile(file)) found.set(name, [...(found.get(name) ?? []), file]);
  return found;
}

/** Variables an env example lists, set (`NAME=`) or commented out with its default (`# NAME=`). */
export function envNamesInExample(text: string): Set<string> {
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}
