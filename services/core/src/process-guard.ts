// Keeps one component's uncaught error from taking every other component down
// with it (`npm start` runs simulator, ingest, detect, alert and the desk in one
// process). A component does its work inside `guard.run(name, fn)`; the timers,
// promises and sockets it starts inherit that name (AsyncLocalStorage), so an
// uncaught exception or unhandled rejection is pinned on the component, logged
// and counted, and health reports the component degraded while the rest keeps
// running. Errors outside any component are counted under "process".
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import type { Logger } from './logger';

/** What health shows of a component's uncaught errors (no message: it may quote data). */
export interface ComponentFailures {
  count: number;
  last_at: string;
  /** Error class or code of the last one, e.g. "TypeError" or "ECONNRESET". */
  last_error: string;
}

export interface ProcessGuard {
  /** Runs `fn` as `component`: uncaught errors of the work it starts are pinned on it. */
  run<T>(component: string, fn: () => T): T;
  /** Counts an error a component caught but could not handle (e.g. a request answered 500). */
  report(component: string, err: unknown): void;
  /** Uncaught errors so far, per component. */
  failures(): Record<string, ComponentFailures>;
  /** `status`, or "degraded" once the component has had an uncaught error. */
  statusOf<S extends string>(component: string, status: S): S | 'degraded';
  /** Removes the process handlers (stop). */
  uninstall(): void;
}

/** Component name for errors raised outside every `run`. */
export const UNATTRIBUTED = 'process';

export interface ProcessGuardOptions {
  logger: Logger;
  /** The process whose handlers are installed; tests pass their own emitter. */
  target?: Pick<EventEmitter, 'on' | 'off'>;
  clock?: () => number;
}

export function installProcessGuard(options: ProcessGuardOptions): ProcessGuard {
  const target = options.target ?? process;
  const clock = options.clock ?? Date.now;
  const context = new AsyncLocalStorage<string>();
  const seen = new Map<string, ComponentFailures>();

  const count = (component: string, err: unknown, what: string): void => {
    const previous = seen.get(component);
    const e = err as { name?: unknown; code?: unknown } | null;
    const label = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : typeof err;
    seen.set(component, { count: (previous?.count ?? 0) + 1, last_at: new Date(clock()).toISOString(), last_error: label });
    options.logger.error({ component, err }, `${what} in ${component}; the component is degraded, the process keeps running`);
  };
  const record = (kind: 'uncaught exception' | 'unhandled rejection') => (err: unknown) => count(context.getStore() ?? UNATTRIBUTED, err, kind);
  const onException = record('uncaught exception');
  const onRejection = record('unhandled rejection');
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);

  return {
    run: (component, fn) => context.run(component, fn),
    report: (component, err) => count(component, err, 'failed request'),
    failures: () => Object.fromEntries([...seen].map(([k, v]) => [k, { ...v }])),
    statusOf: (component, status) => (seen.has(component) ? 'degraded' : status),
    uninstall() {
      target.off('uncaughtException', onException);
      target.off('unhandledRejection', onRejection);
    },
  };
}
