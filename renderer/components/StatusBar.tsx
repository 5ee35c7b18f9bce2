import { useSelector } from '@xstate/react';
import { formatClock } from '../lib/format.ts';
import type { Announcement } from '../store/announcer.ts';
import { useServices } from '../store/app-context.tsx';
import type { Link } from '../store/link.ts';
import type { ViewsSnapshot } from '../store/views-store.ts';

const linkText: Record<Link, string> = {
  connecting: 'Reaching the host…',
  open: 'Host',
  reconnecting: 'Host lost: reconnecting…',
  closed: 'Host closed',
};

const counts = (s: ViewsSnapshot) => {
  let connected = 0;
  let trouble = 0;
  for (const view of s.byId.values()) {
    if (view.status === 'connected') connected++;
    else if (view.status === 'error' || view.status === 'reconnecting') trouble++;
  }
  return `${s.byId.size} saved · ${connected} connected${trouble ? ` · ${trouble} ${trouble === 1 ? 'needs' : 'need'} attention` : ''}`;
};

/**
 * The quiet channel: the latest status change in words at the bottom, and the same words in
 * an aria-live region for screen readers. Nothing pops up over the work.
 */
export function StatusBar() {
  const { views, announcer, link } = useServices();
  const linkState = useSelector(link, (l: { link: Link }) => l.link);
  const summary = useSelector(views, counts);
  const said = useSelector(announcer.store, (a: Announcement[]) => a);
  const latest = said[said.length - 1];
  return (
    <footer className="statusbar">
      <span className={`link link-${linkState}`} data-testid="host-link">
        <span className="status-dot" aria-hidden="true" />
        {linkText[linkState]}
      </span>
      <span className="statusbar-summary">{summary}</span>
      <span
        className={`statusbar-latest tone-${latest?.tone ?? 'info'}`}
        data-testid="status-latest"
      >
        {latest && (
          <>
            <time className="muted">{formatClock(latest.at).slice(0, 8)}</time> {latest.message}
          </>
        )}
      </span>
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="false">
        {said.map((a) => (
          <p key={a.id}>{a.message}</p>
        ))}
      </div>
    </footer>
  );
}
