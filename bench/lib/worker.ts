/**
 * Runs one benchmark in this process and writes its result as JSON to the given path. Each
 * benchmark gets a fresh process (started by bench/run.ts with --expose-gc): heap and CPU
 * figures then belong to it alone, and nothing one leaves behind slows the next.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Benchmark } from './bench.ts';
import type { BenchResult } from './report.ts';

const [file, mode, out] = process.argv.slice(2);
if (!file || !out) throw new Error('usage: worker.ts <benchmark file> <full|quick> <result.json>');

const benchmark = (await import(pathToFileURL(resolve(file)).href)).default as Benchmark;
const started = performance.now();
const partial = await benchmark.run({ quick: mode === 'quick' });
const result: BenchResult = {
  name: benchmark.name,
  title: benchmark.title,
  ...partial,
  seconds: (performance.now() - started) / 1000,
};
await writeFile(out, JSON.stringify(result));
// A pool or timer someone forgot must not hold the whole run hostage; the servers are gone.
process.exit(0);
