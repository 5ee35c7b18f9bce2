import { z } from 'zod';

// zod compiles validators with `new Function` when it may, and probes for that the first time
// a schema is built; the page's CSP (script-src 'self') refuses eval, so even the probe is a
// reported violation. Imported first by main.tsx, before any module builds a schema.
z.config({ jitless: true });
