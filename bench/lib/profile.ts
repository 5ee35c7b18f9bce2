import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import type { Table } from './report.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** `function (file:line)`, or a V8 pseudo-frame such as `(garbage collector)`. */
  name: string;
  /** The package or folder it belongs to: `pg`, `xstate`, `main/pg`, `node`, `(gc)`. */
  area: string;
  ms: number;
}

const root = process.cwd();

function where(url: string): { file: string; area: string } {
  if (url === '') return { file: '', area: '(vm)' };
  if (url.startsWith('node:')) return { file: url, area: 'node' };
  const path = url.replace(/^file:\/\//, '');
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (pkg) return { file: path.slice(path.lastIndexOf('node_modules/') + 13), area: pkg[1]! };
  const file = relative(root, path);
  const dir = file.split('/').slice(0, -1).join('/') || file;
  return { file, area: dir };
}

/** Self time per function: the time of every sample whose top frame it was. */
export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, SelfTime>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)!;
    const { file, area } = where(frame.url);
    // The inspector session's own call that returns the profile (Profiler.stop): not the work.
    if (frame.functionName === 'dispatch' && frame.url === '') {
      const entry = totals.get('(profiler)') ?? { name: '(profiler)', area: '(profiler)', ms: 0 };
      entry.ms += (profile.timeDeltas[i] ?? 0) / 1000;
      totals.set('(profiler)', entry);
      return;
    }
    const pseudo = frame.functionName.startsWith('(');
    const name = pseudo
      ? frame.functionName
      : `${frame.functionName || '(anonymous)'} (${file}:${frame.lineNumber + 1})`;
    const entry = totals.get(name) ?? { name, area: pseudo ? frame.functionName : area, ms: 0 };
    entry.ms += (profile.timeDeltas[i] ?? 0) / 1000;
    totals.set(name, entry);
  });
  return [...totals.values()].sort((a, b) => b.ms - a.ms);
}

/** Self times of several profiles added up, function by function. */
export function mergeSelfTimes(profiles: SelfTime[][]): SelfTime[] {
  const totals = new Map<string, SelfTime>();
  for (const times of profiles) {
    for (const t of times) {
      const entry = totals.get(t.name) ?? { ...t, ms: 0 };
      entry.ms += t.ms;
      totals.set(t.name, entry);
    }
  }
  return [...totals.values()].sort((a, b) => b.ms - a.ms);
}

/** Runs `work` under V8's sampling profiler (the same one `node --cpu-prof` uses). */
export async function profile(work: () => Promise<void>, intervalUs = 100): Promise<SelfTime[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    const outcome = await work().then(
      () => null,
      (error: unknown) => ({ error }),
    );
    const { profile: result } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    await session.post('Profiler.disable');
    if (outcome) throw outcome.error;
    return selfTimes(result);
  } finally {
    session.disconnect();
  }
}

const busy = (times: SelfTime[]) =>
  times.filter((t) => t.area !== '(idle)' && t.area !== '(profiler)');

/** The top functions by self time, as a share of the time the process was not idle. */
export function topFunctionsTable(times: SelfTime[], caption: string, top = 15): Table {
  const total = busy(times).reduce((a, t) => a + t.ms, 0);
  return {
    caption,
    columns: ['function (file:line)', 'area', 'self ms', 'self %'],
    rows: busy(times)
      .slice(0, top)
      .map((t) => [t.name, t.area, t.ms.toFixed(0), ((100 * t.ms) / total).toFixed(1)]),
  };
}

/** Self time summed by area (package or folder), for two profiles side by side. */
export function areasTable(
  sides: { label: string; times: SelfTime[]; queries: number }[],
  caption: string,
  top = 12,
): Table {
  const areaTotals = sides.map((side) => {
    const m = new Map<string, number>();
    for (const t of busy(side.times)) m.set(t.area, (m.get(t.area) ?? 0) + t.ms);
    return m;
  });
  const all = new Set(areaTotals.flatMap((m) => [...m.keys()]));
  const perQueryUs = (i: number, area: string) =>
    ((areaTotals[i]!.get(area) ?? 0) * 1000) / sides[i]!.queries;
  const areas = [...all].sort((a, b) => perQueryUs(0, b) - perQueryUs(0, a)).slice(0, top);
  return {
    caption,
    columns: ['area', ...sides.map((s) => `${s.label} µs/query`)],
    rows: [
      ...areas.map((area) => [area, ...sides.map((_, i) => perQueryUs(i, area).toFixed(1))]),
      [
        '**all (not idle)**',
        ...sides.map((s, i) =>
          ((busy(s.times).reduce((a, t) => a + t.ms, 0) * 1000) / sides[i]!.queries).toFixed(1),
        ),
      ],
    ],
  };
}
