import { expect, test } from 'vitest';
import { makeView } from '../../test/fixtures.tsx';
import { createViewsStore } from '../views-store.ts';

test('getSnapshot returns the same snapshot until a payload changes something', () => {
  const store = createViewsStore();
  const first = store.getSnapshot();
  expect(store.getSnapshot()).toBe(first);
  store.apply({ full: true, views: [makeView(), makeView()] });
  const full = store.getSnapshot();
  expect(full).not.toBe(first);
  expect(store.getSnapshot()).toBe(full);
  store.apply({ full: false, changed: [], removed: [] });
  expect(store.getSnapshot()).toBe(full);
});

test('a change replaces one view; every other view and the id list stay the same objects', () => {
  const store = createViewsStore();
  const views = [makeView(), makeView(), makeView()];
  store.apply({ full: true, views });
  const before = store.getSnapshot();
  const changed = { ...views[1]!, status: 'connecting' as const };
  store.apply({ full: false, changed: [changed], removed: [] });
  const after = store.getSnapshot();
  expect(after).not.toBe(before);
  expect(after.byId.get(views[1]!.id)).toBe(changed);
  expect(after.byId.get(views[0]!.id)).toBe(before.byId.get(views[0]!.id));
  expect(after.byId.get(views[2]!.id)).toBe(before.byId.get(views[2]!.id));
  expect(after.ids).toBe(before.ids);
});

test('a new view goes last and a removed one goes; only then does the id list change', () => {
  const store = createViewsStore();
  const [a, b] = [makeView(), makeView()];
  store.apply({ full: true, views: [a, b] });
  const c = makeView();
  store.apply({ full: false, changed: [c], removed: [a.id] });
  expect(store.getSnapshot().ids).toEqual([b.id, c.id]);
  expect(store.getSnapshot().byId.has(a.id)).toBe(false);
});

test('subscribers hear each new snapshot once, and nothing after unsubscribing', () => {
  const store = createViewsStore();
  const seen: unknown[] = [];
  const sub = store.subscribe({ next: (s) => seen.push(s) });
  store.apply({ full: true, views: [makeView()] });
  store.apply({ full: false, changed: [], removed: [] });
  expect(seen).toEqual([store.getSnapshot()]);
  sub.unsubscribe();
  store.apply({ full: true, views: [] });
  expect(seen).toHaveLength(1);
});
