import { useEffect, useRef, useState } from 'react';
import type { TuskErrorData } from '../../machines/errors.ts';
import type { QueryResultView } from '../../machines/ipc.ts';
import type { ConnectionView } from '../../machines/views.ts';
import { asErrorData } from '../lib/errors.ts';
import { formatMs } from '../lib/format.ts';
import { useServices } from '../store/app-context.tsx';
import { ErrorBox } from './ErrorBox.tsx';

type Outcome =
  | { kind: 'rows'; result: QueryResultView; ms: number; sql: string }
  | { kind: 'error'; error: TuskErrorData; ms: number; sql: string };

const MAX_ROWS = 500;

const transactionText = {
  idle: null,
  'in-transaction': 'Transaction open',
  failed: 'Transaction failed: ROLLBACK to go on',
  lost: 'Session lost: its transaction, if any, is gone',
} as const;

/**
 * A small console on its own session (one pinned backend), so BEGIN … ROLLBACK, SET and
 * temporary tables behave as in psql. The session opens with the console, once the connection
 * is usable, and closes with it.
 */
export function QueryConsole({ view }: { view: ConnectionView }) {
  const { transport } = useServices();
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [sessionError, setSessionError] = useState<TuskErrorData | null>(null);
  // A host without sessions (an older build) refuses open_session; statements then run one by
  // one on any backend, and the console says that a transaction cannot span them.
  const [unpinned, setUnpinned] = useState(false);
  const [sql, setSql] = useState('select now(), current_user, version()');
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const usable = view.status === 'connected';
  const connectionId = view.id;
  const session = view.sessions.find((s) => s.sessionId === sessionId);
  const lost = sessionId !== null && session?.transaction === 'lost';
  const editor = useRef<HTMLTextAreaElement>(null);

  // A session lives as long as the connection stays connected: a reconnect loses its backend.
  useEffect(() => {
    if (!usable) setSessionId(null);
  }, [usable]);

  // Opens a session when the connection is usable and none is held (or the one held was lost).
  useEffect(() => {
    if (!usable || unpinned || (sessionId && !lost)) return;
    let cancelled = false;
    transport.invoke('open_session', { connectionId }).then(
      ({ sessionId: id }) => {
        if (cancelled) {
          void transport.invoke('close_session', { sessionId: id }).catch(() => {});
          return;
        }
        setSessionError(null);
        setSessionId(id);
      },
      (error) => {
        if (cancelled) return;
        const data = asErrorData(error);
        if (data.kind === 'InvalidInput' && /open_session is not available/.test(data.message)) {
          setUnpinned(true);
        } else setSessionError(data);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [usable, unpinned, sessionId, lost, connectionId, transport]);

  // Closes the session held when the console goes away (or a new one replaces it).
  useEffect(() => {
    if (!sessionId) return;
    return () => {
      void transport.invoke('close_session', { sessionId }).catch(() => {});
    };
  }, [sessionId, transport]);

  const run = async () => {
    const statement = sql.trim();
    if (!statement || (!sessionId && !unpinned) || running) return;
    setRunning(true);
    const started = performance.now();
    try {
      const result = await transport.invoke('query', {
        connectionId,
        sql: statement,
        ...(sessionId ? { sessionId } : {}),
      });
      setOutcome({ kind: 'rows', result, ms: performance.now() - started, sql: statement });
    } catch (error) {
      setOutcome({
        kind: 'error',
        error: asErrorData(error),
        ms: performance.now() - started,
        sql: statement,
      });
    } finally {
      setRunning(false);
    }
  };

  const cancel = () => {
    if (sessionId) void transport.invoke('cancel', { sessionId }).catch(() => {});
  };

  const tx = session ? transactionText[session.transaction] : null;
  return (
    <section className="console" aria-label="Query console">
      <div className="console-bar">
        <span
          className={`tx-state tx-${session?.transaction ?? 'none'}`}
          data-testid="transaction-state"
        >
          {!usable
            ? 'Connect to run statements'
            : unpinned
              ? 'No session on this host: each statement runs alone'
              : !sessionId
                ? 'Opening a session…'
                : (tx ?? 'No transaction open')}
        </span>
        {session && !session.statePersists && (
          <span className="badge badge-warn" title="Behind transaction pooling">
            state outside a transaction does not persist
          </span>
        )}
        <span className="toolbar-gap" />
        <span className="muted keys">Ctrl+Enter runs</span>
        <button type="button" disabled={!running || !sessionId} onClick={cancel}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={(!sessionId && !unpinned) || running || lost}
          onClick={run}
        >
          {running ? 'Running…' : 'Run'}
        </button>
      </div>
      <label className="visually-hidden" htmlFor={`sql-${connectionId}`}>
        SQL
      </label>
      <textarea
        id={`sql-${connectionId}`}
        ref={editor}
        className="sql"
        spellCheck={false}
        value={sql}
        rows={4}
        onChange={(e) => setSql(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void run();
          }
        }}
      />
      {sessionError && <ErrorBox error={sessionError} title="Could not open a session" />}
      <div className="console-output" aria-live="polite">
        {outcome?.kind === 'error' && <ErrorBox error={outcome.error} />}
        {outcome?.kind === 'rows' && <ResultTable result={outcome.result} ms={outcome.ms} />}
      </div>
    </section>
  );
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function ResultTable({ result, ms }: { result: QueryResultView; ms: number }) {
  const shown = result.rows.slice(0, MAX_ROWS);
  const summary =
    result.fields.length === 0
      ? `${result.rowCount ?? 0} row${result.rowCount === 1 ? '' : 's'} affected`
      : `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}`;
  return (
    <div className="result">
      <p className="result-summary" data-testid="result-summary">
        {summary} <span className="muted">· {formatMs(ms)}</span>
        {result.rows.length > MAX_ROWS && <span className="muted"> · first {MAX_ROWS} shown</span>}
      </p>
      {result.fields.length > 0 && (
        <div className="table-wrap">
          <table className="grid">
            <thead>
              <tr>
                {result.fields.map((f, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional; names repeat
                  <th key={`${f.name}-${i}`} scope="col">
                    {f.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row, r) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows of a result have no identity
                <tr key={r}>
                  {result.fields.map((f, i) => {
                    const text = cell(row[f.name]);
                    return (
                      // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional; names repeat
                      <td key={`${f.name}-${i}`} className={text === 'NULL' ? 'null' : undefined}>
                        {text}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
