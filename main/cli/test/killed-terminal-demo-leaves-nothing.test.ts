import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { processesMentioning, runScript } from '../../../test/harness/script-process.ts';

/** The direct children of `pid`, from /proc/<pid>/stat (its fourth field is the parent). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

it('npm run demo killed with SIGKILL leaves no server and no directory behind', async () => {
  const demo = runScript('main/cli/demo.ts');
  const started = await demo.waitFor(/\sconnected\.idle/, { ms: 60_000 });
  const dir = /^data: (\S+) \(removed at exit\)$/m.exec(started)![1]!;
  expect(processesMentioning(dir).length).toBeGreaterThan(0);

  // tsx and the node it runs, not the server: as `kill -9` of the demo would.
  const tsx = demo.child.pid!;
  for (const pid of [tsx, ...childrenOf(tsx)]) process.kill(pid, 'SIGKILL');

  await expect.poll(() => processesMentioning(dir), { timeout: 10_000 }).toEqual([]);
  await expect.poll(() => existsSync(dir), { timeout: 5_000 }).toBe(false);
});
