// `npm run web -- [--port N] [--data-dir DIR] [--no-demo] [--no-open]`: browser mode.
import { launch } from '../app/launcher.ts';

await launch('web', process.argv.slice(2));
