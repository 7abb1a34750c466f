import { spawn } from 'node:child_process';
import { ProvisionError } from './errors';

export interface CommandResult {
  readonly exitCode: number | null;
  /** stdout and stderr interleaved, as a person would see them in a terminal. */
  readonly output: string;
}

/** Runs a short-lived command to completion and captures what it printed. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; installHint: string; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(new ProvisionError('TOOL_MISSING', `'${command}' is not installed (${options.installHint})`, { cause: error }));
      } else {
        reject(error);
      }
    });
    child.once('close', (exitCode) => resolve({ exitCode, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Last lines of captured output, for error messages. */
export function outputTail(output: string, lines = 30): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}
