#!/usr/bin/env node
// Entry point of the `tocsin` command. Tocsin runs its TypeScript sources
// through tsx (no build step), so this shim registers the loader first. The
// command runs in this process (no child), so a signal sent to this PID reaches
// the service's own SIGTERM/SIGINT handlers directly.
import { register } from 'tsx/esm/api';

/** How often tocsin checks, when npm started it, whether the shell npm started it in is gone. */
const PARENT_CHECK_MS = 500;

// `npx tocsin …`, `npm start` and `npm exec` run `sh -c tocsin …` and forward SIGTERM and
// SIGINT to that shell only; the shell dies without passing them on, so killing the npx
// PID used to leave the service running. Under npm (it sets npm_command), losing the parent
// therefore counts as SIGTERM for the long-running commands (service, start, which handle
// SIGTERM themselves): the service stops gracefully and exits with its own code. Unless a
// signal already arrived (Ctrl-C reaches the whole process group, the shell too): then the
// service is stopping already, and a second signal would make it skip waiting.
const LONG_RUNNING = new Set(['service', 'start']);
if (process.env['npm_command'] !== undefined && LONG_RUNNING.has(process.argv[2] ?? '')) {
  let signalled = false;
  const note = (signal) => {
    signalled = true;
    // No handler of the service yet (still starting): the signal does what it does by default.
    if (process.listenerCount(signal) === 1) {
      process.removeListener(signal, note);
      process.kill(process.pid, signal);
    }
  };
  process.on('SIGINT', note);
  process.on('SIGTERM', note);
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    if (!signalled) process.kill(process.pid, 'SIGTERM');
  }, PARENT_CHECK_MS);
  watch.unref();
}

register();
const { main } = await import('../services/cli/src/main.ts');
process.exitCode = await main(process.argv.slice(2));
