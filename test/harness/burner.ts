import { spawn } from 'node:child_process';

/**
 * A child process that keeps one CPU core busy, for tests whose claim must hold on a loaded
 * machine (a race that shows only there). Returns its stop.
 */
export function startBurner(): () => void {
  const child = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  return () => child.kill('SIGKILL');
}
