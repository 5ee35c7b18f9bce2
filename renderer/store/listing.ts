import type { ConnectionGroup } from '../../machines/config.ts';
import type { ViewsSnapshot } from './views-store.ts';

/** What the sidebar's shape depends on: which rows exist, under which group, in what order. */
export interface ListEntry {
  id: string;
  name: string;
  groupId: string | undefined;
}

const cache = new WeakMap<ViewsSnapshot, ListEntry[]>();
let previous: { snapshot: ViewsSnapshot; entries: ListEntry[] } | null = null;

/**
 * The entries of a snapshot, sorted by name; computed once per snapshot. A snapshot that only
 * changed statuses (the same ids, the same names and groups) reuses the last list, so a status
 * change costs one pass over the views and no sort.
 */
export function listEntries(snapshot: ViewsSnapshot): ListEntry[] {
  let entries = cache.get(snapshot);
  if (entries) return entries;
  if (
    previous &&
    previous.snapshot.ids === snapshot.ids &&
    sameShape(previous.snapshot, snapshot)
  ) {
    entries = previous.entries;
  } else {
    entries = snapshot.ids.map((id) => {
      const { config } = snapshot.byId.get(id)!;
      return { id, name: config.name, groupId: config.groupId };
    });
    entries.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }
  cache.set(snapshot, entries);
  previous = { snapshot, entries };
  return entries;
}

function sameShape(a: ViewsSnapshot, b: ViewsSnapshot): boolean {
  for (const [id, view] of b.byId) {
    const before = a.byId.get(id);
    if (before === view) continue;
    if (!before || before.config.name !== view.config.name) return false;
    if (before.config.groupId !== view.config.groupId) return false;
  }
  return true;
}

/** Equal when no row was added, removed, renamed or moved: a status change is not a change here. */
export function sameEntries(a: ListEntry[], b: ListEntry[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.id !== y.id || x.name !== y.name || x.groupId !== y.groupId) return false;
  }
  return true;
}

export type SidebarItem =
  | { kind: 'group'; key: string; group: ConnectionGroup | null; count: number; collapsed: boolean }
  | { kind: 'connection'; key: string; id: string };

/**
 * The flat list the virtualiser draws: each group's header, then its connections unless it is
 * collapsed; connections without a (known) group last, under "Ungrouped". A filter hides
 * groups with nothing that matches.
 */
export function sidebarItems(
  entries: ListEntry[],
  groups: ConnectionGroup[],
  collapsed: ReadonlySet<string>,
  filter: string,
): SidebarItem[] {
  const needle = filter.trim().toLocaleLowerCase();
  const shown = needle
    ? entries.filter((e) => e.name.toLocaleLowerCase().includes(needle))
    : entries;
  const known = new Set(groups.map((g) => g.id));
  const byGroup = new Map<string | null, ListEntry[]>();
  for (const entry of shown) {
    const key = entry.groupId && known.has(entry.groupId) ? entry.groupId : null;
    const list = byGroup.get(key);
    if (list) list.push(entry);
    else byGroup.set(key, [entry]);
  }
  const items: SidebarItem[] = [];
  const sorted = [...groups].sort((a, b) => a.name.localeCompare(b.name));
  const push = (group: ConnectionGroup | null) => {
    const key = group?.id ?? 'ungrouped';
    const list = byGroup.get(group?.id ?? null) ?? [];
    if (needle && list.length === 0) return;
    if (!group && list.length === 0) return;
    const isCollapsed = collapsed.has(key) && !needle;
    // Without any group there is nothing to collapse: no "Ungrouped" header either.
    if (group || groups.length > 0) {
      items.push({
        kind: 'group',
        key: `g:${key}`,
        group,
        count: list.length,
        collapsed: isCollapsed,
      });
    }
    if (!isCollapsed) {
      for (const e of list) items.push({ kind: 'connection', key: e.id, id: e.id });
    }
  };
  for (const group of sorted) push(group);
  push(null);
  return items;
}
