import { createContext, memo, useContext } from 'react';
import { useView } from '../store/app-context.tsx';
import { ColorTag } from './ColorTag.tsx';
import { EnvironmentBadge, ReadOnlyBadge, StatusBadge } from './StatusBadge.tsx';

/** Tests count row renders through this; the app leaves it empty. */
export const RowRenderProbe = createContext<((id: string) => void) | null>(null);

/**
 * One sidebar row. It reads its own view by id, so a status change re-renders this row and no
 * other; the sidebar above it only knows ids.
 */
export const ConnectionRow = memo(function ConnectionRow({
  id,
  selected,
  onSelect,
}: {
  id: string;
  selected: boolean;
  onSelect: (id: string) => void;
}) {
  useContext(RowRenderProbe)?.(id);
  const view = useView(id);
  if (!view) return null;
  const { config, status } = view;
  return (
    <div
      role="option"
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      data-connection-id={id}
      data-status={status}
      className={selected ? 'row row-selected' : 'row'}
      onClick={() => onSelect(id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(id);
        }
      }}
    >
      <ColorTag color={config.color} environment={config.environment} />
      <span className="row-name" title={config.name}>
        {config.name}
      </span>
      <span className="row-badges">
        <EnvironmentBadge environment={config.environment} />
        <ReadOnlyBadge readonly={config.options.readonly} />
      </span>
      <StatusBadge status={status} compact />
    </div>
  );
});
