// Runs a child process to completion without blocking this process's event loop: the tests that use it host
// the server in-process, and a synchronous spawn would stop that server from answering the child.
import { type SpawnOptions, spawn } from 'node:child_process';

export interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export async function runChild(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): Promise<ChildResult> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, stdout, stderr };
}
