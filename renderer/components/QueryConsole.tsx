import { useEffect, useRef, useState } from 'react';
import type { TuskErrorData } from '../../machines/errors.ts';
import type { ScriptPlan } from '../../machines/sql-plan.ts';
import type { ConnectionView } from '../../machines/views.ts';
import { asErrorData } from '../lib/errors.ts';
import {
  confirmationFor,
  restOf,
  type ScriptConfirmation,
  type ScriptRun,
  shiftResult,
} from '../lib/script.ts';
import { useServices } from '../store/app-context.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import { ScriptConfirm } from './ScriptConfirm.tsx';
import { PlacedError, ScriptOutput } from './ScriptOutput.tsx';

/** What the console shows under the editor: a script's steps, or why nothing ran. */
type Outcome =
  | { kind: 'run'; run: ScriptRun }
  | { kind: 'error'; error: TuskErrorData; script?: string }
  | { kind: 'empty' };

const transactionText = {
  idle: null,
  'in-transaction': 'Transaction open',
  failed: 'Transaction failed: ROLLBACK to go on',
  lost: 'Session lost: its transaction, if any, is gone',
} as const;

/**
 * A small console on its own session (one pinned backend), so BEGIN … ROLLBACK, SET and
 * temporary tables behave as in psql. The session opens with the console, once the connection
 * is usable, and closes with it. What is typed or pasted runs as a script, statement by
 * statement (`run_script`), after the confirmations its plan (`plan_sql`) calls for.
 */
export function QueryConsole({
  view,
  onEdit,
}: {
  view: ConnectionView;
  /** Opens the connection's form: where a read-only refusal says read-only is changed. */
  onEdit?: () => void;
}) {
  const { transport } = useServices();
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [sessionError, setSessionError] = useState<TuskErrorData | null>(null);
  // A host without sessions (an older build) refuses open_session; statements then run one by
  // one on any backend, and the console says that a transaction cannot span them.
  const [unpinned, setUnpinned] = useState(false);
  const [sql, setSql] = useState('select now(), current_user, version()');
  const [running, setRunning] = useState(false);
  const [shown, setShown] = useState<{ outcome: Outcome; count: number } | null>(null);
  const outcome = shown?.outcome ?? null;
  // Counted, so that a test (or an assistive tool) can tell one run's output from the next.
  const setOutcome = (next: Outcome) =>
    setShown((s) => ({ outcome: next, count: (s?.count ?? 0) + 1 }));
  const [stopOnError, setStopOnError] = useState(true);
  const [pending, setPending] = useState<{
    script: string;
    plan: ScriptPlan;
    confirmation: ScriptConfirmation;
  } | null>(null);
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

  const options = {
    ...(sessionId ? { sessionId } : {}),
    onError: stopOnError ? 'stop' : 'continue',
  } as const;

  /** Runs `script` (or the part of it after a stop), adding its steps to what `before` showed. */
  const execute = async (script: string, plan: ScriptPlan, before?: ScriptRun) => {
    const part = before ? restOf(before) : null;
    setRunning(true);
    try {
      const result = await transport.invoke('run_script', {
        connectionId,
        sql: part?.sql ?? script,
        ...options,
      });
      const mapped = part ? shiftResult(result, part.offset) : result;
      setOutcome({
        kind: 'run',
        run: {
          script,
          plan,
          steps: [...(before?.steps ?? []), ...mapped.steps],
          ...(mapped.stoppedAt === undefined ? {} : { stoppedAt: mapped.stoppedAt }),
        },
      });
    } catch (error) {
      setOutcome({ kind: 'error', error: asErrorData(error) });
    } finally {
      setRunning(false);
    }
  };

  const run = async () => {
    // Not trimmed: error positions and statement offsets point into the editor's own text.
    const script = sql;
    if (!script.trim() || (!sessionId && !unpinned) || running) return;
    setRunning(true);
    let plan: ScriptPlan;
    try {
      plan = await transport.invoke('plan_sql', { connectionId, sql: script });
    } catch (error) {
      setOutcome({ kind: 'error', error: asErrorData(error) });
      setRunning(false);
      return;
    }
    setRunning(false);
    // The parser refuses the whole script: nothing of it would run, so nothing is sent.
    if (plan.error) return setOutcome({ kind: 'error', error: plan.error, script });
    if (plan.statements.length === 0) return setOutcome({ kind: 'empty' });
    const confirmation = confirmationFor(plan, {
      environment: view.config.environment,
      readonly: view.config.options.readonly,
    });
    if (confirmation) setPending({ script, plan, confirmation });
    else await execute(script, plan);
  };

  /** Selects a statement of the last run in the editor, if the text is still what ran. */
  const showStatement = (script: string, plan: ScriptPlan | null, index: number, at?: number) => {
    const box = editor.current;
    if (!box || box.value !== script) return;
    const statement = plan?.statements.find((s) => s.index === index);
    box.focus();
    if (statement) box.setSelectionRange(statement.start, statement.end);
    else if (at !== undefined) box.setSelectionRange(at - 1, at);
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
        <label className="check stop-on-error">
          <input
            type="checkbox"
            checked={stopOnError}
            onChange={(e) => setStopOnError(e.target.checked)}
          />
          Stop at the first error
        </label>
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
      <div className="console-output" aria-live="polite" data-outcome={shown?.count ?? 0}>
        {outcome?.kind === 'error' &&
          (outcome.script !== undefined ? (
            <PlacedError
              error={outcome.error}
              script={outcome.script}
              readonly={view.config.options.readonly}
              onEdit={onEdit}
              onShow={() =>
                showStatement(outcome.script!, null, -1, outcome.error.position ?? undefined)
              }
            />
          ) : (
            <ErrorBox error={outcome.error} />
          ))}
        {outcome?.kind === 'empty' && (
          <p className="muted">Nothing to run: no statement in the text.</p>
        )}
        {outcome?.kind === 'run' && (
          <ScriptOutput
            run={outcome.run}
            busy={running || lost}
            readonly={view.config.options.readonly}
            onEdit={onEdit}
            onRunRest={() => void execute(outcome.run.script, outcome.run.plan, outcome.run)}
            onShowStatement={(index) => showStatement(outcome.run.script, outcome.run.plan, index)}
          />
        )}
      </div>
      {pending && (
        <ScriptConfirm
          confirmation={pending.confirmation}
          connectionName={view.config.name}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const { script, plan } = pending;
            setPending(null);
            void execute(script, plan);
          }}
        />
      )}
    </section>
  );
}
