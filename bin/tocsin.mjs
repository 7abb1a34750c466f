#!/usr/bin/env node
// Entry point of the `tocsin` command. Tocsin runs its TypeScript sources
// through tsx (no build step), so this shim registers the loader first.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../services/cli/src/main.ts');
process.exitCode = await main(process.argv.slice(2));
