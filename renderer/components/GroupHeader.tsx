import { useState } from 'react';
import type { ConnectionGroup } from '../../machines/config.ts';
import { errorMessage } from '../lib/errors.ts';
import { useServices } from '../store/app-context.tsx';
import { Confirm } from './Modal.tsx';

/** A group's header row: collapse, rename in place, delete (its connections stay, ungrouped). */
export function GroupHeader({
  group,
  count,
  collapsed,
  onToggle,
}: {
  group: ConnectionGroup | null;
  count: number;
  collapsed: boolean;
  onToggle: () => void;
}) {
  const { transport, reloadGroups, announcer } = useServices();
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const name = group?.name ?? 'Ungrouped';

  if (renaming && group) {
    return (
      <GroupNameInput
        initial={group.name}
        label={`Rename group ${group.name}`}
        onDone={async (next) => {
          setRenaming(false);
          if (next === null || next === group.name) return;
          try {
            await transport.invoke('save_group', { group: { ...group, name: next } });
            await reloadGroups();
          } catch (error) {
            announcer.say(`Could not rename the group: ${errorMessage(error)}`, 'bad');
          }
        }}
      />
    );
  }

  return (
    <div className="group-row">
      <button type="button" className="group-toggle" aria-expanded={!collapsed} onClick={onToggle}>
        <span className={collapsed ? 'caret caret-closed' : 'caret'} aria-hidden="true" />
        <span className="group-name">{name}</span>
        <span className="group-count">{count}</span>
      </button>
      {group && (
        <span className="group-actions">
          <button
            type="button"
            className="link-button"
            aria-label={`Rename group ${name}`}
            onClick={() => setRenaming(true)}
          >
            Rename
          </button>
          <button
            type="button"
            className="link-button"
            aria-label={`Delete group ${name}`}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        </span>
      )}
      {confirming && group && (
        <Confirm
          title="Delete group"
          message={`Delete the group “${name}”? Its connections are kept, without a group.`}
          confirmLabel="Delete"
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setConfirming(false);
            try {
              await transport.invoke('delete_group', { groupId: group.id });
              await reloadGroups();
              announcer.say(`Group ${name} deleted`);
            } catch (error) {
              announcer.say(`Could not delete the group: ${errorMessage(error)}`, 'bad');
            }
          }}
        />
      )}
    </div>
  );
}

function GroupNameInput({
  initial,
  label,
  onDone,
}: {
  initial: string;
  label: string;
  onDone: (name: string | null) => void;
}) {
  const [value, setValue] = useState(initial);
  return (
    <form
      className="group-row group-edit"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(value.trim() || null);
      }}
    >
      <input
        aria-label={label}
        value={value}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to type a name here
        autoFocus
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onDone(null);
          }
        }}
        onBlur={() => onDone(value.trim() || null)}
      />
    </form>
  );
}

export function NewGroup() {
  const { transport, reloadGroups, announcer } = useServices();
  const [adding, setAdding] = useState(false);
  if (adding) {
    return (
      <GroupNameInput
        initial=""
        label="New group name"
        onDone={async (name) => {
          setAdding(false);
          if (!name) return;
          try {
            await transport.invoke('save_group', { group: { id: crypto.randomUUID(), name } });
            await reloadGroups();
            announcer.say(`Group ${name} created`);
          } catch (error) {
            announcer.say(`Could not create the group: ${errorMessage(error)}`, 'bad');
          }
        }}
      />
    );
  }
  return (
    <button type="button" className="small" onClick={() => setAdding(true)}>
      New group
    </button>
  );
}
