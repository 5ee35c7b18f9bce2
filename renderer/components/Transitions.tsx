import type { TransitionRecord } from '../../machines/views.ts';
import { eventText, formatClock, wakeCauseText } from '../lib/format.ts';

/** The recent transitions, newest first, with times; the first one is the one just taken. */
export function Transitions({
  transitions,
  limit = 50,
}: {
  transitions: TransitionRecord[];
  limit?: number;
}) {
  const recent = withKeys(transitions.slice(-limit).reverse());
  if (recent.length === 0) return <p className="empty">No transitions yet.</p>;
  return (
    <ol className="transitions" aria-label="Recent transitions">
      {recent.map(({ t, key }, i) => (
        <li key={key} className={i === 0 ? 'transition latest' : 'transition'}>
          <time className="transition-time" dateTime={new Date(t.at).toISOString()}>
            {formatClock(t.at)}
          </time>
          <span className="transition-path">
            <StateName path={t.from} />
            <span aria-hidden="true"> → </span>
            <span className="visually-hidden"> to </span>
            <StateName path={t.to} />
          </span>
          <span className="transition-event">
            {eventText(t.event)}
            {t.cause ? ` · ${wakeCauseText[t.cause]}` : ''}
            {t.error?.code ? ` · ${t.error.code}` : t.error ? ` · ${t.error.kind}` : ''}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** Records have no id; time, path and event name one, and a counter tells twins apart. */
function withKeys(records: TransitionRecord[]) {
  const seen = new Map<string, number>();
  return records.map((t) => {
    const base = `${t.at}|${t.from}|${t.to}|${t.event}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { t, key: `${base}|${n}` };
  });
}

/** A dotted state path that may wrap after its dots, never inside a name. */
function StateName({ path }: { path: string }) {
  // Each part is keyed by the path up to it: unique within one path.
  const parts: { part: string; upTo: string }[] = [];
  for (const part of path.split('.')) {
    const before = parts[parts.length - 1]?.upTo;
    parts.push({ part, upTo: before ? `${before}.${part}` : part });
  }
  return (
    <span className="state-name">
      {parts.map(({ part, upTo }) => (
        <span key={upTo}>
          {part}
          {upTo !== path && (
            <>
              .<wbr />
            </>
          )}
        </span>
      ))}
    </span>
  );
}
