import {
  lazy,
  memo,
  Suspense,
  useCallback,
  useDeferredValue,
  useEffect,
  useRef,
  useState,
} from 'react';
import type { ConnectionView, TransitionRecord } from '../../machines/views.ts';
import type { UserEvent } from '../chart/model.ts';
import { asErrorData } from '../lib/errors.ts';
import { leafPath } from '../lib/state-paths.ts';
import { useServices, useView } from '../store/app-context.tsx';
import { useHistory } from '../store/history.ts';
import { useOpenRequest } from '../store/time-travel.ts';
import { ColorTag } from './ColorTag.tsx';
import { ConnectionActions, openTransactions } from './ConnectionActions.tsx';
import { DemoFaults } from './DemoFaults.tsx';
import { HostKeyTrust } from './HostKeyTrust.tsx';
import { InfoGrid } from './InfoGrid.tsx';
import { Confirm } from './Modal.tsx';
import { QueryConsole } from './QueryConsole.tsx';
import { EnvironmentBadge, ReadOnlyBadge, StatusBadge } from './StatusBadge.tsx';
import { Transitions } from './Transitions.tsx';

// ELK and React Flow are most of the bundle: loaded when a chart is first shown, not at start.
const StateChart = lazy(() =>
  import('../chart/StateChart.tsx').then((m) => ({ default: m.StateChart })),
);

// Memoised: while the deferred view is the one it drew, the urgent render skips it.
const Chart = memo(StateChart);
const Console = memo(QueryConsole);

type Tab = 'chart' | 'console';
const NO_TRANSITIONS: TransitionRecord[] = [];

export function Details({
  id,
  onEdit,
  onDeleted,
}: {
  id: string;
  onEdit: (id: string) => void;
  onDeleted: () => void;
}) {
  const view = useView(id);
  const { transport, announcer } = useServices();
  const [tab, setTab] = useState<Tab>('chart');
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const openRequest = useOpenRequest();
  useEffect(() => {
    if (openRequest?.connectionId === id) setTab('chart');
  }, [openRequest, id]);

  // Stable across view updates (the chart memoises on it); it reads the latest view.
  const viewRef = useRef(view);
  viewRef.current = view;
  const send = useCallback(
    (event: UserEvent, force = false) => {
      const view = viewRef.current;
      if (!view) return;
      if (event === 'DISCONNECT' && !force && openTransactions(view).length > 0) {
        setConfirmDisconnect(true);
        return;
      }
      const connectionId = view.id;
      const done =
        event === 'CONNECT'
          ? transport.invoke('connect', { config: view.config })
          : event === 'DISCONNECT'
            ? transport.invoke('disconnect', { connectionId })
            : event === 'RETRY'
              ? transport.invoke('retry', { connectionId })
              : transport.invoke('wake', { connectionId });
      done.catch((error) => {
        const data = asErrorData(error);
        // A failed CONNECT or RETRY ends in `error`, which the status bar says with its reason.
        if ((event === 'CONNECT' || event === 'RETRY') && data.kind !== 'InvalidInput') return;
        announcer.say(`${view.config.name}: ${event} failed: ${data.message}`, 'bad');
      });
    },
    [transport, announcer],
  );

  // The console (often hidden behind the chart) follows the view in a deferred render too.
  const consoleView = useDeferredValue(view);
  const editThis = useCallback(() => onEdit(id), [onEdit, id]);

  if (!view || !consoleView) return <EmptyDetails />;
  const { config } = view;
  return (
    <section className="details" aria-labelledby="details-title">
      <header className="details-header">
        <ColorTag color={config.color} environment={config.environment} />
        <h1 id="details-title" className="details-title">
          {config.name}
        </h1>
        <EnvironmentBadge environment={config.environment} long />
        <ReadOnlyBadge readonly={config.options.readonly} long />
        <span className="toolbar-gap" />
        <span className="details-status" data-testid="details-status">
          <StatusBadge status={view.status} />
          <code className="state-path">{leafPath(view.state)}</code>
        </span>
      </header>
      <p className="details-sub muted">
        {config.username}@{config.host}:{config.port}/{config.database}
      </p>
      <ConnectionActions view={view} onEdit={() => onEdit(id)} onDeleted={onDeleted} />
      <DemoFaults view={view} />
      <HostKeyTrust view={view} />
      <InfoGrid view={view} />
      <div className="tabs" role="tablist" aria-label="Connection views">
        <TabButton tab="chart" current={tab} onSelect={setTab}>
          State chart
        </TabButton>
        <TabButton tab="console" current={tab} onSelect={setTab}>
          Console
        </TabButton>
      </div>
      {tab === 'chart' && (
        <div className="tab-panel chart-panel" role="tabpanel" aria-label="State chart">
          <ChartWithHistory view={view} onSend={send} />
        </div>
      )}
      {/* Kept mounted while hidden: leaving the tab must not end the console's session. */}
      <div className="tab-panel" role="tabpanel" aria-label="Console" hidden={tab !== 'console'}>
        <Console view={consoleView} onEdit={editThis} />
      </div>
      {confirmDisconnect && (
        <Confirm
          title="Open transaction"
          message={`A transaction is open on ${config.name}. Disconnecting rolls it back. Disconnect anyway?`}
          confirmLabel="Disconnect"
          danger
          onCancel={() => setConfirmDisconnect(false)}
          onConfirm={() => {
            setConfirmDisconnect(false);
            send('DISCONNECT', true);
          }}
        />
      )}
    </section>
  );
}

/**
 * The chart with its connection's durable history, and the recent transitions beside it. The history is state of its own here, so
 * its answers from the host redraw the chart and its timeline, not the whole details.
 */
function ChartWithHistory({
  view,
  onSend,
}: {
  view: ConnectionView;
  onSend: (event: UserEvent) => void;
}) {
  // Not deferred: a deferred render may skip a state that lasted less than a render (a quick
  // reconnect), and the live chart must walk through every state the row shows.
  const shown = view;
  const history = useHistory(shown.id, shown.transitions ?? NO_TRANSITIONS);
  return (
    <>
      <Suspense fallback={<p className="empty">Loading the chart…</p>}>
        <Chart view={shown} onSend={onSend} records={history} />
      </Suspense>
      <aside className="history" aria-label="History">
        <h2 className="section-title">Recent transitions</h2>
        <RecentTransitions transitions={shown.transitions} />
      </aside>
    </>
  );
}

const RecentTransitions = memo(Transitions);

function TabButton({
  tab,
  current,
  onSelect,
  children,
}: {
  tab: Tab;
  current: Tab;
  onSelect: (tab: Tab) => void;
  children: string;
}) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={tab === current}
      className={tab === current ? 'tab tab-current' : 'tab'}
      onClick={() => onSelect(tab)}
    >
      {children}
    </button>
  );
}

function EmptyDetails() {
  return (
    <section className="details details-empty">
      <p>Select a connection, or create one with “New connection”.</p>
    </section>
  );
}
