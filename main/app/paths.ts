import { fileURLToPath } from 'node:url';

/** The built renderer (`npm run build`), which both hosts serve. */
export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
