import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../test/harness/shared.ts';

/*
 * A laptop's sleep, made on purpose: the service runs in a process of its own (the real server
 * and the fault proxy outside it), frozen with SIGSTOP for 15 s while the world changes. After
 * SIGCONT, the first query must succeed within connectTimeoutSec + 1 s, with the default 60 s
 * keepalive: only the wall-clock gap (main/wake) sends the WAKE that pings at once.
 */

const server = sharedServer();
const fixture = fileURLToPath(new URL('fixtures/serve-queries.ts', import.meta.url));
const CONNECT_TIMEOUT_SEC = 3;
const FROZEN_MS = 15_000;
let proxy: FaultProxy;
let child: ChildProcess | undefined;

beforeEach(async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  await proxy.close();
});

interface Line {
  step: string;
  id?: string;
  seen?: string[];
  ok?: boolean;
  kind?: string;
  applicationName?: string;
}

function startService() {
  const env = {
    ...process.env,
    TUSK_FIXTURE: JSON.stringify({
      host: proxy.host,
      port: proxy.port,
      user: server.user,
      password: server.password,
      database: server.database,
      connectTimeoutSec: CONNECT_TIMEOUT_SEC,
    }),
  };
  // node itself, not the tsx wrapper: SIGSTOP must freeze the process that owns the sockets.
  const proc = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child = proc;
  const waiting: ((line: Line) => void)[] = [];
  const lines = createInterface({ input: proc.stdout! });
  lines.on('line', (text) => {
    const line = JSON.parse(text) as Line;
    for (const w of waiting.splice(0)) w(line);
  });
  const next = (match: (line: Line) => boolean) =>
    new Promise<Line>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no answer from the service within 20 s')),
        20_000,
      );
      const take = (line: Line) => {
        if (!match(line)) return void waiting.push(take);
        clearTimeout(timer);
        resolve(line);
      };
      waiting.push(take);
    });
  let asked = 0;
  return {
    proc,
    connected: next((l) => l.step === 'connected'),
    async query(): Promise<Line> {
      const id = String(++asked);
      const answer = next((l) => l.step === 'answer' && l.id === id);
      proc.stdin!.write(`${id}\n`);
      try {
        return await answer;
      } catch (error) {
        // Still waiting on that query: say what the connection went through meanwhile.
        const dump = next((l) => l.step === 'dump');
        proc.stdin!.write('dump\n');
        const seen = await dump.then(
          (l) => l.seen?.join('; '),
          () => 'no dump either',
        );
        throw new Error(`${(error as Error).message}; the service's transitions: ${seen}`);
      }
    },
  };
}

/** Freezes the service, breaks the world, resumes it; returns ms to the first good query. */
async function frozenWhile(breakWorld: (applicationName: string) => Promise<void>) {
  const service = startService();
  const { applicationName } = await service.connected;
  expect((await service.query()).ok).toBe(true);
  // Settled: the session's backend and the control client's (the ping's), which opens behind
  // `connected`. A freeze in the middle of that login is another story.
  await expect
    .poll(async () => (await server.backends({ applicationName })).length, { timeout: 5000 })
    .toBe(2);

  service.proc.kill('SIGSTOP');
  const frozenAt = performance.now();
  await breakWorld(applicationName!);
  await new Promise((r) => setTimeout(r, FROZEN_MS - (performance.now() - frozenAt)));
  service.proc.kill('SIGCONT');
  const resumed = performance.now();
  const failures: Line[] = [];
  for (;;) {
    const answer = await service.query();
    if (answer.ok) break;
    failures.push(answer);
  }
  return { ms: performance.now() - resumed, failures };
}

const bound = CONNECT_TIMEOUT_SEC * 1000 + 1000;

it('backends terminated while frozen: a query succeeds within connectTimeoutSec + 1 s of SIGCONT', async () => {
  const { ms, failures } = await frozenWhile(async (applicationName) => {
    expect(await server.terminate({ applicationName })).not.toHaveLength(0);
  });
  console.log('recovered in', Math.round(ms), 'ms', JSON.stringify(failures));
  expect(ms).toBeLessThan(bound);
}, 60_000);

it('network path dead while frozen (silent blackhole, new sockets get through): the same bound', async () => {
  const { ms, failures } = await frozenWhile(async () => {
    await proxy.setMode('blackhole');
    // A change of Wi-Fi: the old sockets stay dead without a sound, new ones get through.
    await proxy.setMode('pass');
  });
  console.log('recovered in', Math.round(ms), 'ms', JSON.stringify(failures));
  expect(ms).toBeLessThan(bound);
}, 60_000);
