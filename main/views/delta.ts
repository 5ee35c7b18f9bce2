import type { ConnectionView, ViewsPayload } from '../../machines/views.ts';

/**
 * The change message for the connections in `touched`, against what subscribers were last sent
 * (`sent`, updated in place): a view that is not the object sent before is changed, an id
 * without a view now is removed. Returns null when nothing differs, so nothing is sent.
 */
export function viewsDelta(
  touched: Iterable<string>,
  current: (connectionId: string) => ConnectionView | undefined,
  sent: Map<string, ConnectionView>,
): Extract<ViewsPayload, { full: false }> | null {
  const changed: ConnectionView[] = [];
  const removed: string[] = [];
  for (const id of touched) {
    const view = current(id);
    if (view === undefined) {
      if (sent.delete(id)) removed.push(id);
    } else if (sent.get(id) !== view) {
      sent.set(id, view);
      changed.push(view);
    }
  }
  return changed.length === 0 && removed.length === 0 ? null : { full: false, changed, removed };
}
