import { spawn } from 'node:child_process';
import type net from 'node:net';

/**
 * Starts `script` (sh) in a detached process of its own that waits for this process to die: it
 * reads its stdin, which is this process's end of a pipe, until EOF, which comes however this
 * process ends, SIGKILL included. The script then cleans up (kills a server, removes its
 * directory). The returned function cancels it, for the normal path where we clean up ourselves.
 */
export function spawnReaper(script: string, name: string, args: string[]): () => void {
  const reaper = spawn('sh', ['-c', `cat >/dev/null\n${script}`, name, ...args], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  reaper.unref();
  (reaper.stdin as unknown as net.Socket).unref();
  reaper.stdin?.on('error', () => {});
  return () => {
    if (reaper.pid === undefined || reaper.exitCode !== null) return;
    try {
      process.kill(-reaper.pid, 'SIGKILL');
    } catch {
      // Already gone: nothing left to cancel.
    }
  };
}
