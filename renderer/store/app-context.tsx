import { useSelector } from '@xstate/react';
import { createContext, type ReactNode, useContext } from 'react';
import type { ConnectionGroup } from '../../machines/config.ts';
import type { Transport } from '../../machines/ipc.ts';
import type { ConnectionView } from '../../machines/views.ts';
import type { Announcer } from './announcer.ts';
import type { Link } from './link.ts';
import type { ValueStore } from './value-store.ts';
import type { ViewsSnapshot, ViewsStore } from './views-store.ts';

/** What every component may reach: the transport for commands, and the stores it reads. */
export interface AppServices {
  transport: Transport;
  views: ViewsStore;
  groups: ValueStore<ConnectionGroup[]>;
  /** Reloads the groups after a change (they are not part of the view stream). */
  reloadGroups(): Promise<void>;
  announcer: Announcer;
  /** The link to the host (browser mode's socket can drop). */
  link: ValueStore<{ link: Link }>;
}

const Services = createContext<AppServices | null>(null);

export function AppProvider({
  services,
  children,
}: {
  services: AppServices;
  children: ReactNode;
}) {
  return <Services.Provider value={services}>{children}</Services.Provider>;
}

export function useServices(): AppServices {
  const services = useContext(Services);
  if (!services) throw new Error('useServices outside <AppProvider>');
  return services;
}

/** One connection's view; re-renders only when that view object is replaced. */
export function useView(id: string | null): ConnectionView | undefined {
  const { views } = useServices();
  return useSelector(views, (s: ViewsSnapshot) => (id === null ? undefined : s.byId.get(id)));
}

export function useViewsReady(): boolean {
  return useSelector(useServices().views, (s: ViewsSnapshot) => s.ready);
}

export function useGroups(): ConnectionGroup[] {
  return useSelector(useServices().groups, (g: ConnectionGroup[]) => g);
}
