/**
 * `npm run bench [-- --quick] [-- --only <name>[,<name>]]`: runs the benchmarks, each in a
 * process of its own, and writes docs/benchmarks.md. Progress goes to stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startPostgres } from '../test/harness/postgres.ts';
import { type BenchResult, type MachineInfo, mergeReport, renderReport } from './lib/report.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

const BENCHMARKS = [
  { name: 'query-overhead', file: 'bench/query-overhead.ts' },
  { name: 'recovery', file: 'bench/recovery.ts' },
  { name: 'blackhole', file: 'bench/blackhole.ts' },
  { name: 'scale', file: 'bench/scale.ts' },
  { name: 'status-latency', file: 'bench/status-latency.ts' },
  { name: 'link', file: 'bench/link.ts' },
  { name: 'ui-render', file: 'bench/ui-render.ts' },
  { name: 'read-only', file: 'bench/read-only.ts' },
  { name: 'outage', file: 'bench/outage.ts' },
];

const args = process.argv.slice(2);
const { values } = parseArgs({
  args,
  options: {
    only: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'docs/benchmarks.md' },
  },
});
const only = (values.only ?? []).flatMap((o) => o.split(',')).filter(Boolean);
const unknown = only.filter((name) => !BENCHMARKS.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const selected = BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name));
const quick = values.quick ?? false;
const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`
    : `tsx bench/run.ts${args.length ? ` ${args.join(' ')}` : ''}`;

const log = (message: string) => process.stderr.write(`${message}\n`);
const started = performance.now();
const loadBefore = loadavg();

// The first server initialises the template cluster (initdb, ~1 s) and publishes it in
// TUSK_PG_TEMPLATE; the workers inherit it and each start their own servers as copies.
log('bench: preparing the PostgreSQL template cluster');
const probe = await startPostgres();
const { rows } = await probe.admin().query<{ server_version: string }>('SHOW server_version');
await probe.dispose();

const scratch = await mkdtemp(join(tmpdir(), 'tusk-bench-results-'));
const results: BenchResult[] = [];
const failures: string[] = [];
try {
  for (const bench of selected) {
    log(`bench: ${bench.name}${quick ? ' (quick)' : ''}`);
    const out = join(scratch, `${bench.name}.json`);
    const code = await runWorker(bench.file, out);
    if (code !== 0) {
      failures.push(`${bench.name} (exit code ${code})`);
      continue;
    }
    results.push(JSON.parse(await readFile(out, 'utf8')) as BenchResult);
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const machine: MachineInfo = {
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  postgres: rows[0]?.server_version ?? 'unknown',
  os: `${type()} ${release()}`,
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  command,
  loadBefore,
  loadAfter: loadavg(),
};
if (results.length > 0) {
  const out = resolve(root, values.out!);
  const fresh = renderReport(machine, results, quick);
  // A run of some benchmarks keeps the others' results from the report it replaces.
  const previous = only.length > 0 ? await readFile(out, 'utf8').catch(() => null) : null;
  await writeFile(out, previous ? mergeReport(previous, fresh) : fresh);
  log(`bench: wrote ${values.out} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
for (const result of results) {
  for (const v of result.verdicts) log(`  ${v.met ? 'met   ' : 'MISSED'} ${v.target}: ${v.detail}`);
}
if (failures.length > 0) {
  log(`bench: failed: ${failures.join(', ')}`);
  process.exit(1);
}

function runWorker(file: string, out: string): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', 'bench/lib/worker.ts', file, quick ? 'quick' : 'full', out],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  // A hung benchmark must not hang the run: its result is lost, the others still count.
  const limit = setTimeout(() => child.kill('SIGKILL'), (quick ? 3 : 8) * 60_000);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(limit);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
