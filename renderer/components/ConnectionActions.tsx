import { useState } from 'react';
import type { TestConnectionResult } from '../../machines/diagnostics.types.ts';
import type { ConnectionView } from '../../machines/views.ts';
import { asErrorData, errorMessage } from '../lib/errors.ts';
import { useServices } from '../store/app-context.tsx';
import { Confirm, Modal } from './Modal.tsx';
import { TestResult } from './TestResult.tsx';

/** Sessions whose open transaction a disconnect would throw away. */
export const openTransactions = (view: ConnectionView) =>
  view.sessions.filter((s) => s.transaction === 'in-transaction' || s.transaction === 'failed');

/** Connect, Disconnect, Retry, Test connection, Edit, Delete: each enabled where it means something. */
export function ConnectionActions({
  view,
  onEdit,
  onDeleted,
}: {
  view: ConnectionView;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const { transport, announcer } = useServices();
  const [confirm, setConfirm] = useState<'delete' | 'disconnect' | null>(null);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<TestConnectionResult | null>(null);
  const { status, config } = view;
  const name = config.name;

  // A failed connect or retry also moves the connection to `error`, which the status bar
  // announces with the reason; saying it twice would be noise. Other failures are said here.
  const run = (what: string, action: () => Promise<unknown>) => {
    action().catch((error) => {
      const data = asErrorData(error);
      if ((what === 'connect' || what === 'retry') && data.kind !== 'InvalidInput') return;
      announcer.say(`${name}: ${what} failed: ${data.message}`, 'bad');
    });
  };
  const connect = () => run('connect', () => transport.invoke('connect', { config }));
  const disconnect = () =>
    run('disconnect', () => transport.invoke('disconnect', { connectionId: view.id }));
  const retry = () => run('retry', () => transport.invoke('retry', { connectionId: view.id }));
  const runTest = async () => {
    setTesting(true);
    try {
      setTest(await transport.invoke('test_connection', { config }));
    } catch (error) {
      announcer.say(`${name}: test failed: ${errorMessage(error)}`, 'bad');
    } finally {
      setTesting(false);
    }
  };

  const canConnect = status === 'disconnected' || status === 'error';
  const canDisconnect = status !== 'disconnected';
  const canRetry = status === 'error' || status === 'reconnecting';
  const open = openTransactions(view);

  return (
    <div className="actions" role="toolbar" aria-label={`Actions for ${name}`}>
      <button type="button" className="primary" disabled={!canConnect} onClick={connect}>
        Connect
      </button>
      <button
        type="button"
        disabled={!canDisconnect}
        onClick={() => (open.length > 0 ? setConfirm('disconnect') : disconnect())}
      >
        Disconnect
      </button>
      <button type="button" disabled={!canRetry} onClick={retry}>
        Retry
      </button>
      <span className="toolbar-gap" />
      <button type="button" disabled={testing} onClick={runTest}>
        {testing ? 'Testing…' : 'Test connection'}
      </button>
      <button type="button" onClick={onEdit}>
        Edit
      </button>
      <button type="button" className="danger-quiet" onClick={() => setConfirm('delete')}>
        Delete
      </button>

      {test && (
        <Modal
          title={`Test connection: ${name}`}
          onClose={() => setTest(null)}
          footer={
            <button type="button" data-autofocus onClick={() => setTest(null)}>
              Close
            </button>
          }
        >
          <TestResult result={test} />
        </Modal>
      )}
      {confirm === 'delete' && (
        <Confirm
          title="Delete connection"
          message={`Delete “${name}”? Its saved password is removed from the keyring too.`}
          confirmLabel="Delete"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            transport.invoke('delete_connection', { connectionId: view.id }).then(
              () => {
                announcer.say(`${name} deleted`);
                onDeleted();
              },
              (error) => announcer.say(`Could not delete ${name}: ${errorMessage(error)}`, 'bad'),
            );
          }}
        />
      )}
      {confirm === 'disconnect' && (
        <Confirm
          title="Open transaction"
          message={`A transaction is open on ${name}. Disconnecting rolls it back. Disconnect anyway?`}
          confirmLabel="Disconnect"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            disconnect();
          }}
        />
      )}
    </div>
  );
}
