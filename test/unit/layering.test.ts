// The dependency rule of DESIGN.md as a test, so a breach shows in the test run and not only
// in `biome check`: machines/ is pure, renderer/ never reaches the Node side.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const source = /\.(?:ts|tsx|mts|cts)$/;
const isTest = (path: string) =>
  /\.(?:test|spec)\.[cm]?tsx?$/.test(path) ||
  path.split(sep).some((part) => part === 'test' || part === '__tests__');

function sourceFiles(dir: string): string[] {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries
    .filter((path) => source.test(path) && !isTest(path))
    .map((path) => join(abs, path))
    .sort();
}

// Every string literal is swapped for its index first, so that an import written inside a
// string, or '//' inside a string, is not mistaken for code; comments are dropped.
const stringsAndComments =
  /("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;
const importForms = [
  /\b(?:import|export)\s+(?:type\s+)?[^;']*?\bfrom\s*'(\d+)'/g,
  /\bimport\s*'(\d+)'/g,
  /\bimport\s*\(\s*'(\d+)'/g,
  /\brequire\s*\(\s*'(\d+)'/g,
];

/** Every module specifier a file imports, statically, dynamically or with require. */
function importsOf(code: string): string[] {
  const strings: string[] = [];
  const masked = code.replace(stringsAndComments, (_match, string: string | undefined) => {
    if (string === undefined) return ' ';
    strings.push(string.slice(1, -1));
    return `'${strings.length - 1}'`;
  });
  return importForms.flatMap((form) =>
    [...masked.matchAll(form)].map((m) => strings[Number(m[1])]!),
  );
}

const isRelative = (spec: string) => spec.startsWith('./') || spec.startsWith('../');
const inside = (dir: string, path: string) => path === dir || path.startsWith(dir + sep);
const packageOf = (spec: string) => spec.split('/')[0]!;
const nodeBuiltins = new Set(builtinModules);

function machinesViolation(file: string, spec: string): string | undefined {
  if (isRelative(spec)) {
    const target = resolve(dirname(file), spec);
    return inside(join(root, 'machines'), target) ? undefined : 'leaves machines/';
  }
  return ['xstate', 'zod'].includes(packageOf(spec)) ? undefined : 'is not xstate or zod';
}

function rendererViolation(file: string, spec: string): string | undefined {
  if (isRelative(spec)) {
    const target = resolve(dirname(file), spec);
    return inside(join(root, 'main'), target) ? 'reaches into main/' : undefined;
  }
  if (spec.startsWith('node:') || nodeBuiltins.has(packageOf(spec))) return 'is a Node module';
  if (spec.startsWith('main/')) return 'reaches into main/';
  const name = packageOf(spec);
  if (name === 'pg' || name.startsWith('pg-')) return 'is the database driver';
  if (name === 'keytar' || name === 'electron') return 'is main-process only';
  return undefined;
}

function violations(dir: string, rule: (file: string, spec: string) => string | undefined) {
  return sourceFiles(dir).flatMap((file) =>
    importsOf(readFileSync(file, 'utf8')).flatMap((spec) => {
      const why = rule(file, spec);
      return why ? [`${relative(root, file)} imports '${spec}', which ${why}`] : [];
    }),
  );
}

describe('layering', () => {
  it('machines/ imports only xstate, zod and its own files', () => {
    // Guards against a scanner that silently finds nothing.
    const found = sourceFiles('machines').flatMap((file) => importsOf(readFileSync(file, 'utf8')));
    expect(found).toContain('zod');
    expect(violations('machines', machinesViolation)).toEqual([]);
  });

  it('renderer/ imports neither main/, pg, keytar, electron nor Node modules', () => {
    expect(violations('renderer', rendererViolation)).toEqual([]);
  });

  it('only main/electron/ imports electron', () => {
    const electronHost = join(root, 'main', 'electron');
    expect(sourceFiles('main/electron').length).toBeGreaterThan(0);
    const outside = ['machines', 'main', 'renderer', 'scripts', 'bench', 'model-tests', 'test']
      .flatMap((dir) => violations(dir, electronViolation))
      .filter((line) => !line.startsWith(relative(root, electronHost) + sep));
    expect(outside).toEqual([]);
  });
});

function electronViolation(_file: string, spec: string): string | undefined {
  return packageOf(spec) === 'electron' ? 'is the Electron host' : undefined;
}

describe('the import scanner', () => {
  it('finds every form of import and ignores comments and strings', () => {
    const code = [
      "import { a } from 'xstate';",
      "import type {\n  B,\n  C,\n} from '../main/service.ts';",
      'import Default, * as ns from "pg";',
      "import 'node:fs';",
      "export * from './local.ts';",
      "export { x } from 'keytar';",
      "const lazy = await import('electron');",
      'const req = require(`pg-pool`);',
      "// import { no } from 'commented-out';",
      "/* import { no } from 'block-comment'; */",
      'const s = "import { no } from \'in-a-string\'";',
      "const url = 'http://example.com'; import { after } from 'zod';",
    ].join('\n');
    expect(importsOf(code).sort()).toEqual(
      [
        '../main/service.ts',
        './local.ts',
        'electron',
        'keytar',
        'node:fs',
        'pg',
        'pg-pool',
        'xstate',
        'zod',
      ].sort(),
    );
  });

  it('judges specifiers by where they lead', () => {
    const inMachines = join(root, 'machines', 'connection.machine.ts');
    expect(machinesViolation(inMachines, './config.ts')).toBeUndefined();
    expect(machinesViolation(inMachines, 'xstate/graph')).toBeUndefined();
    expect(machinesViolation(inMachines, '../main/pool.ts')).toBe('leaves machines/');
    expect(machinesViolation(inMachines, 'node:events')).toBe('is not xstate or zod');
    expect(machinesViolation(inMachines, 'zod-extra')).toBe('is not xstate or zod');
    const inRenderer = join(root, 'renderer', 'components', 'List.tsx');
    expect(rendererViolation(inRenderer, '../../machines/config.ts')).toBeUndefined();
    expect(rendererViolation(inRenderer, 'react')).toBeUndefined();
    expect(rendererViolation(inRenderer, '../../main/service.ts')).toBe('reaches into main/');
    expect(rendererViolation(inRenderer, 'node:path')).toBe('is a Node module');
    expect(rendererViolation(inRenderer, 'fs')).toBe('is a Node module');
    expect(rendererViolation(inRenderer, 'pg-pool')).toBe('is the database driver');
    expect(rendererViolation(inRenderer, 'electron')).toBe('is main-process only');
  });
});
