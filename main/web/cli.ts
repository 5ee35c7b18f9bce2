// `npm run web` runs main/cli/web.ts: the launcher (main/app/launcher.ts) with its flags, the
// credential fallback and the demo. The names the Electron host takes from here live there now.
export { defaultDataDir } from '../app/flags.ts';
export { RENDERER_DIR } from '../app/paths.ts';
