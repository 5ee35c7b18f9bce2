import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Electron executable, if it is installed; undefined otherwise. Found the way the electron
 * package's own index.js finds it (path.txt, ELECTRON_OVERRIDE_DIST_PATH), without requiring
 * that file: when the binary is missing it tries to download it, from a host these machines
 * cannot reach.
 */
export function electronBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  const pathFile = join(dir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, name || 'electron') : name && join(dir, 'dist', name);
  return binary && existsSync(binary) ? binary : undefined;
}
