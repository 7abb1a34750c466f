// The upstream service's API as the desk knows it: its OpenAPI document
// (GET <upstream>/docs/json), fetched at start-up (retried until it answers) and
// re-read periodically so routes of a newer upstream appear without restarting
// the desk. A failed re-read keeps the last good document.
import type { ComponentStatus } from '@tocsin/http';
import type { Logger } from '@tocsin/core';
import { readUpstreamDocument, upstreamOperations, type UpstreamDocument, type UpstreamOperation } from './upstream-operations';

export interface UpstreamCatalogOptions {
  /** Base URL of the upstream, e.g. http://alert:8081 */
  baseUrl: URL;
  logger: Logger;
  /** Timeout of one document fetch. */
  fetchTimeoutMs: number;
  /** Wait between attempts until the first document arrives. */
  retryMs: number;
  /** Wait between re-reads once one arrived. */
  refreshMs: number;
}

export interface UpstreamCatalog {
  start(servedHere: ReadonlySet<string>, onDocument: (doc: UpstreamDocument) => void): void;
  stop(): void;
  /** The operations, or null while no document has been read yet. */
  operations(): readonly UpstreamOperation[] | null;
  /** Loads the document now (start() does this by itself). */
  refresh(): Promise<boolean>;
  component(): ComponentStatus;
}

export function createUpstreamCatalog(options: UpstreamCatalogOptions): UpstreamCatalog {
  const docUrl = new URL('/docs/json', options.baseUrl);
  let operations: UpstreamOperation[] | null = null;
  let loadedAt: string | null = null;
  let lastError: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let servedHere: ReadonlySet<string> = new Set();
  let onDocument: (doc: UpstreamDocument) => void = () => {};

  const refresh = async (): Promise<boolean> => {
    try {
      const response = await fetch(docUrl, { signal: AbortSignal.timeout(options.fetchTimeoutMs), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`GET ${docUrl.pathname} answered ${response.status}`);
      const doc = readUpstreamDocument(await response.json());
      const firstLoad = operations === null;
      operations = upstreamOperations(doc.paths, servedHere);
      loadedAt = new Date().toISOString();
      lastError = null;
      onDocument(doc);
      if (firstLoad) options.logger.info({ operations: operations.length }, 'upstream API document read; forwarding its routes');
      return true;
    } catch (error) {
      const message = (error as Error).name === 'TimeoutError' ? `no answer within ${options.fetchTimeoutMs} ms` : (error as Error).message;
      if (message !== lastError) options.logger.warn({ err: message }, operations ? 'upstream API document re-read failed; keeping the last one' : 'upstream API document not readable yet; retrying');
      lastError = message;
      return false;
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void refresh().then(schedule);
    }, operations ? options.refreshMs : options.retryMs);
    timer.unref();
  };

  return {
    start(served, callback) {
      servedHere = served;
      onDocument = callback;
      void refresh().then(schedule);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    operations: () => operations,
    refresh,
    component: () => ({
      // Degraded until read, and while the upstream does not answer re-reads.
      status: operations && lastError === null ? 'ok' : 'degraded',
      stats: { operations: operations?.length ?? 0, document_read_at: loadedAt, last_error: lastError },
    }),
  };
}
