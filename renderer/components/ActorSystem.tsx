import { useVirtualizer } from '@tanstack/react-virtual';
import { useSelector } from '@xstate/react';
import { memo, useRef } from 'react';
import { heightRef, translateYRef } from '../lib/cssom.ts';
import { leafPath } from '../lib/state-paths.ts';
import { useServices, useView } from '../store/app-context.tsx';
import { listEntries, sameEntries } from '../store/listing.ts';
import { StatusBadge } from './StatusBadge.tsx';

const ROW = 30;

/**
 * The actor system as it runs: the manager and one child actor per connection (systemId
 * `connection:<id>`), each with its live state. Virtualised like the sidebar.
 */
export function ActorSystem({ onSelect }: { onSelect: (id: string) => void }) {
  const { views } = useServices();
  const entries = useSelector(views, listEntries, sameEntries);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    getItemKey: (i) => entries[i]!.id,
    overscan: 10,
  });
  return (
    <section className="actors" aria-label="Actor system">
      <header className="actors-header">
        <div className="actor actor-manager">
          <span className="actor-kind">manager</span>
          <code>manager</code>
          <span className="muted">
            spawns, routes and reports {entries.length} connection actor
            {entries.length === 1 ? '' : 's'}
          </span>
        </div>
      </header>
      <div className="actors-columns" aria-hidden="true">
        <span>actor</span>
        <span>connection</span>
        <span>state</span>
        <span>status</span>
      </div>
      <div ref={scrollRef} className="actors-list">
        <div className="sidebar-canvas" ref={heightRef(virtualizer.getTotalSize())}>
          {virtualizer.getVirtualItems().map((v) => (
            <div key={v.key} className="sidebar-item" ref={translateYRef(v.start)}>
              <ActorRow id={entries[v.index]!.id} onSelect={onSelect} />
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}

const ActorRow = memo(function ActorRow({
  id,
  onSelect,
}: {
  id: string;
  onSelect: (id: string) => void;
}) {
  const view = useView(id);
  if (!view) return null;
  return (
    <button
      type="button"
      className="actor actor-child"
      onClick={() => onSelect(id)}
      data-actor={id}
    >
      <code className="actor-id" title={`connection:${id}`}>
        connection:{id.slice(0, 8)}
      </code>
      <span className="actor-name">{view.config.name}</span>
      <code className="actor-state">{leafPath(view.state)}</code>
      <StatusBadge status={view.status} compact />
    </button>
  );
});
