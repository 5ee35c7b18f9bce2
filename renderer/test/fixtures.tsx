import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import {
  type ConnectionConfig,
  type ConnectionConfigInput,
  type ConnectionGroup,
  validate,
} from '../../machines/config.ts';
import type { ConnectionView } from '../../machines/views.ts';
import { createAnnouncer } from '../store/announcer.ts';
import { AppProvider, type AppServices } from '../store/app-context.tsx';
import { createValueStore } from '../store/value-store.ts';
import { createViewsStore } from '../store/views-store.ts';
import { createFakeTransport, type FakeTransport } from './fake-transport.ts';

let n = 0;
/** A valid saved config; ids are UUIDs made from a counter, so tests read the same each run. */
export function makeConfig(overrides: Partial<ConnectionConfigInput> = {}): ConnectionConfig {
  n++;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return validate({
    id,
    name: `db-${String(n).padStart(4, '0')}`,
    host: 'db.internal',
    port: 5432,
    database: 'app',
    username: 'app',
    ...overrides,
  });
}

export function makeView(overrides: Partial<ConnectionView> = {}): ConnectionView {
  const config = overrides.config ?? makeConfig();
  return {
    id: config.id,
    config,
    status: 'disconnected',
    state: { disconnected: 'closed' },
    tags: [],
    attempt: 0,
    nextRetryAt: null,
    lastError: null,
    server: null,
    session: null,
    keepalive: { pings: 0, lastPingAt: null, lastLatencyMs: null },
    pool: null,
    transitions: [],
    sessions: [],
    demo: false,
    ...overrides,
  };
}

export interface Rendered {
  transport: FakeTransport;
  services: AppServices;
}

/** Renders `ui` inside the app's services, over a fake transport and the given views. */
export function renderWithServices(
  ui: ReactNode,
  opts: {
    views?: ConnectionView[];
    groups?: ConnectionGroup[];
    /** Handlers that must exist before the first render (effects that call at mount). */
    handlers?: (transport: FakeTransport) => void;
  } = {},
): Rendered & ReturnType<typeof render> {
  const transport = createFakeTransport();
  opts.handlers?.(transport);
  const views = createViewsStore();
  views.apply({ full: true, views: opts.views ?? [] });
  const groups = createValueStore<ConnectionGroup[]>(opts.groups ?? []);
  const services: AppServices = {
    transport,
    views,
    groups,
    reloadGroups: async () => {},
    announcer: createAnnouncer(),
    link: createValueStore({ link: 'open' as const }),
  };
  const result = render(<AppProvider services={services}>{ui}</AppProvider>);
  return { transport, services, ...result };
}
