import { useVirtualizer } from '@tanstack/react-virtual';
import { useSelector } from '@xstate/react';
import { useMemo, useRef, useState } from 'react';
import { heightRef, translateYRef } from '../lib/cssom.ts';
import { useGroups, useServices } from '../store/app-context.tsx';
import { listEntries, type SidebarItem, sameEntries, sidebarItems } from '../store/listing.ts';
import { ConnectionRow } from './ConnectionRow.tsx';
import { GroupHeader, NewGroup } from './GroupHeader.tsx';

const ROW_HEIGHT = 30;

/**
 * Groups and connections, virtualised: only the rows in sight exist, so 1,000 saved
 * connections cost what 30 do. The list reads ids and names only (`sameEntries`), never a
 * status, so a status change reaches one row and not this component.
 */
export function Sidebar({
  selectedId,
  onSelect,
}: {
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const { views } = useServices();
  const entries = useSelector(views, listEntries, sameEntries);
  const groups = useGroups();
  const [filter, setFilter] = useState('');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const items = useMemo(
    () => sidebarItems(entries, groups, collapsed, filter),
    [entries, groups, collapsed, filter],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => items[index]!.key,
    overscan: 8,
  });

  const toggle = (key: string) =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const connectionIds = useMemo(
    () => items.flatMap((i) => (i.kind === 'connection' ? [i.id] : [])),
    [items],
  );

  const moveSelection = (delta: number) => {
    if (connectionIds.length === 0) return;
    const at = selectedId ? connectionIds.indexOf(selectedId) : -1;
    const next = connectionIds[Math.min(connectionIds.length - 1, Math.max(0, at + delta))]!;
    onSelect(next);
    const index = items.findIndex((i) => i.kind === 'connection' && i.id === next);
    virtualizer.scrollToIndex(index, { align: 'auto' });
    requestAnimationFrame(() =>
      scrollRef.current
        ?.querySelector<HTMLElement>(`[data-connection-id="${CSS.escape(next)}"]`)
        ?.focus(),
    );
  };

  return (
    <nav className="sidebar" aria-label="Saved connections">
      <div className="sidebar-tools">
        <label className="visually-hidden" htmlFor="connection-filter">
          Filter connections
        </label>
        <input
          id="connection-filter"
          type="search"
          className="filter"
          placeholder="Filter by name"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <NewGroup />
      </div>
      <div
        ref={scrollRef}
        className="sidebar-list"
        role="listbox"
        aria-label="Connections"
        tabIndex={selectedId ? -1 : 0}
        onKeyDown={(e) => {
          if (e.target instanceof HTMLInputElement) return;
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            moveSelection(1);
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            moveSelection(-1);
          }
        }}
      >
        {items.length === 0 && (
          <p className="empty">{filter ? 'No connection matches.' : 'No saved connections yet.'}</p>
        )}
        <div className="sidebar-canvas" ref={heightRef(virtualizer.getTotalSize())}>
          {virtualizer.getVirtualItems().map((v) => {
            const item = items[v.index]!;
            return (
              <div
                key={v.key}
                className="sidebar-item"
                ref={translateYRef(v.start)}
                data-index={v.index}
              >
                <Item item={item} selectedId={selectedId} onSelect={onSelect} onToggle={toggle} />
              </div>
            );
          })}
        </div>
      </div>
    </nav>
  );
}

function Item({
  item,
  selectedId,
  onSelect,
  onToggle,
}: {
  item: SidebarItem;
  selectedId: string | null;
  onSelect: (id: string) => void;
  onToggle: (key: string) => void;
}) {
  if (item.kind === 'group') {
    return (
      <GroupHeader
        group={item.group}
        count={item.count}
        collapsed={item.collapsed}
        onToggle={() => onToggle(item.group?.id ?? 'ungrouped')}
      />
    );
  }
  return <ConnectionRow id={item.id} selected={item.id === selectedId} onSelect={onSelect} />;
}
