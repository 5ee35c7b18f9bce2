// `npm start -- [flags]`: the desktop app, or browser mode where Electron's binary is missing.
import { launch } from '../app/launcher.ts';

await launch('app', process.argv.slice(2));
