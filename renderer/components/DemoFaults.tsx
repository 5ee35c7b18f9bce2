import { useState } from 'react';
import type { ConnectionView } from '../../machines/views.ts';
import { type DemoFault, sendDemoFault } from '../lib/commands.ts';
import { errorMessage } from '../lib/errors.ts';
import { useServices } from '../store/app-context.tsx';

const FAULTS: { fault: DemoFault; label: string; what: string }[] = [
  {
    fault: 'terminate',
    label: 'Terminate backends',
    what: 'pg_terminate_backend on every backend of this connection',
  },
  { fault: 'restart', label: 'Restart server', what: 'stops the demo server and starts it again' },
  {
    fault: 'blackhole',
    label: 'Blackhole network',
    what: 'the proxy drops every byte for a few seconds, silently',
  },
];

/** The demo's fault controls, so a newcomer can break the connection and watch it recover. */
export function DemoFaults({ view }: { view: ConnectionView }) {
  const { transport, announcer } = useServices();
  const [busy, setBusy] = useState<DemoFault | null>(null);
  if (!view.demo) return null;
  return (
    <fieldset className="demo-faults">
      <legend className="demo-label">Demo faults</legend>
      {FAULTS.map(({ fault, label, what }) => (
        <button
          key={fault}
          type="button"
          className="small"
          title={what}
          disabled={busy !== null}
          onClick={async () => {
            setBusy(fault);
            try {
              await sendDemoFault(transport, { connectionId: view.id, fault });
              announcer.say(`${view.config.name}: ${label.toLowerCase()}`, 'warn');
            } catch (error) {
              announcer.say(`${label} failed: ${errorMessage(error)}`, 'bad');
            } finally {
              setBusy(null);
            }
          }}
        >
          {label}
        </button>
      ))}
    </fieldset>
  );
}
