// `node --import ./register.mjs dist/electron/main.js`: the bundle's `electron` is electron.mjs.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
