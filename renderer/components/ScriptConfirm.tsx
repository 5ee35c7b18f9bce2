import type { PlannedStatement } from '../../machines/sql-plan.ts';
import { firstLine, type ScriptConfirmation } from '../lib/script.ts';
import { Modal } from './Modal.tsx';

const SHOWN = 12;

function StatementList({ statements }: { statements: PlannedStatement[] }) {
  const more = statements.length - SHOWN;
  return (
    <ul className="confirm-statements">
      {statements.slice(0, SHOWN).map((s) => (
        <li key={s.index}>
          <span className="step-command">{s.command}</span>
          <code>{firstLine(s)}</code>
          <span className="muted">line {s.line}</span>
        </li>
      ))}
      {more > 0 && (
        <li className="muted">
          and {more} more statement{more === 1 ? '' : 's'}
        </li>
      )}
    </ul>
  );
}

/**
 * Asks before a script runs that writes to production, or that holds an UPDATE or DELETE
 * without WHERE; names each such statement. Cancel (the focused choice) sends nothing.
 */
export function ScriptConfirm({
  confirmation,
  connectionName,
  onConfirm,
  onCancel,
}: {
  confirmation: ScriptConfirmation;
  connectionName: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { production, unfiltered } = confirmation;
  const title = production.length > 0 ? 'Write to production?' : 'UPDATE or DELETE without WHERE';
  return (
    <Modal
      title={title}
      onClose={onCancel}
      wide
      footer={
        <>
          <button type="button" data-autofocus onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={onConfirm}>
            {production.length > 0 ? 'Run on production' : 'Run anyway'}
          </button>
        </>
      }
    >
      {production.length > 0 && (
        <section className="confirm-part" aria-label="Changes to production">
          <p>
            <strong>{connectionName}</strong> is a production connection that can write. This script
            changes data or schema with {production.length} statement
            {production.length === 1 ? '' : 's'}:
          </p>
          <StatementList statements={production} />
        </section>
      )}
      {unfiltered.length > 0 && (
        <section className="confirm-part" aria-label="Without WHERE">
          <p className="confirm-unfiltered">
            {unfiltered.length === 1 ? 'This statement has' : 'These statements have'} no WHERE
            clause: {unfiltered.length === 1 ? 'it changes' : 'they change'} every row of the table.
          </p>
          <StatementList statements={unfiltered} />
        </section>
      )}
    </Modal>
  );
}
