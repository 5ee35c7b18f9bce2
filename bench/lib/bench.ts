import type { BenchResult } from './report.ts';

export interface BenchContext {
  /** Fewer repetitions, for a run under two minutes. */
  quick: boolean;
}

export interface Benchmark {
  name: string;
  title: string;
  run(context: BenchContext): Promise<Omit<BenchResult, 'name' | 'title' | 'seconds'>>;
}

/** Each benchmark file's default export; bench/lib/worker.ts runs it in a process of its own. */
export const defineBenchmark = (benchmark: Benchmark): Benchmark => benchmark;
