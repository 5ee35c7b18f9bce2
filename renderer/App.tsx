import { useEffect, useState } from 'react';
import type { ConnectionStatus } from '../machines/config.ts';
import { ActorsScreen } from './actors/ActorsScreen.tsx';
import { ConnectionForm } from './components/ConnectionForm.tsx';
import { ConnectionsTimeline } from './components/ConnectionsTimeline.tsx';
import { Details } from './components/Details.tsx';
import { Segmented } from './components/Segmented.tsx';
import { Sidebar } from './components/Sidebar.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { statusText } from './lib/format.ts';
import { wakeOnPage } from './lib/wake-on-page.ts';
import { useServices, useViewsReady } from './store/app-context.tsx';
import { useOpenRequest } from './store/time-travel.ts';

type Editing = { mode: 'new' } | { mode: 'edit'; id: string } | null;
type Screen = 'details' | 'timeline' | 'actors';
const SCREENS = [
  ['details', 'Connection'],
  ['timeline', 'Timeline'],
  ['actors', 'Actor system'],
] as const;

const tone = (status: ConnectionStatus) =>
  status === 'connected'
    ? 'good'
    : status === 'error'
      ? 'bad'
      : status === 'reconnecting'
        ? 'warn'
        : 'info';

export function App() {
  const services = useServices();
  const ready = useViewsReady();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [screen, setScreen] = useState<Screen>('details');

  useEffect(() => {
    const { transport, views, announcer } = services;
    const offStatus = transport.on('connection:status', (e) => {
      const name = views.getSnapshot().byId.get(e.connectionId)?.config.name ?? 'A connection';
      const why = e.error ? `: ${e.error.message}${e.error.code ? ` (${e.error.code})` : ''}` : '';
      announcer.say(`${name}: ${statusText[e.status].toLowerCase()}${why}`, tone(e.status));
    });
    const offNotice = transport.on('host:notice', (n) =>
      announcer.say(n.message, n.level === 'warning' ? 'warn' : 'info'),
    );
    const offPage = wakeOnPage(window, document, (cause) => {
      transport.invoke('wake_all', { cause }).catch(() => undefined);
    });
    return () => {
      offStatus();
      offNotice();
      offPage();
    };
  }, [services]);

  // Start on the first connection (the demo, usually) so the app opens on something alive.
  useEffect(() => {
    if (!ready || selectedId) return;
    const { ids, byId } = services.views.getSnapshot();
    const first = ids.find((id) => byId.get(id)?.demo) ?? ids[0];
    if (first) setSelectedId(first);
  }, [ready, selectedId, services]);

  // A chart opened from elsewhere (a timeline, the actor diagram) selects its connection.
  const openRequest = useOpenRequest();
  useEffect(() => {
    if (!openRequest) return;
    setSelectedId(openRequest.connectionId);
    setScreen('details');
  }, [openRequest]);

  const select = (id: string) => {
    setSelectedId(id);
    setScreen('details');
  };

  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">Tusk</span>
        <button type="button" className="primary" onClick={() => setEditing({ mode: 'new' })}>
          New connection
        </button>
        <span className="toolbar-gap" />
        <Segmented label="Screen" options={SCREENS} value={screen} onChange={setScreen} />
      </header>
      <Sidebar selectedId={selectedId} onSelect={select} />
      <main className="main">
        {!ready ? (
          <p className="empty">Loading connections…</p>
        ) : screen === 'timeline' ? (
          <ConnectionsTimeline />
        ) : screen === 'actors' ? (
          <ActorsScreen onSelect={select} />
        ) : selectedId ? (
          <Details
            key={selectedId}
            id={selectedId}
            onEdit={(id) => setEditing({ mode: 'edit', id })}
            onDeleted={() => setSelectedId(null)}
          />
        ) : (
          <section className="details details-empty">
            <p>Select a connection, or create one with “New connection”.</p>
          </section>
        )}
      </main>
      <StatusBar />
      {editing && (
        <ConnectionForm
          editId={editing.mode === 'edit' ? editing.id : null}
          onClose={() => setEditing(null)}
          onSaved={(id) => {
            setEditing(null);
            select(id);
          }}
        />
      )}
    </div>
  );
}
