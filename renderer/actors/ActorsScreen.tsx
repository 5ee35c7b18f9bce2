import { useState } from 'react';
import { ActorSystem } from '../components/ActorSystem.tsx';
import { ActorDiagram } from './ActorDiagram.tsx';

/**
 * The actor system, as a live diagram or as the table: the table is the accessible way through
 * (a row per actor, keyboard and screen reader friendly), the diagram the one to look at.
 */
export function ActorsScreen({ onSelect }: { onSelect: (id: string) => void }) {
  const [as, setAs] = useState<'diagram' | 'table'>('diagram');
  return (
    <div className="actors-screen">
      <div className="actors-switch">
        <h2 className="screen-title">Actor system</h2>
        <div className="segmented" role="tablist" aria-label="Show the actor system as">
          <button
            type="button"
            role="tab"
            aria-selected={as === 'diagram'}
            onClick={() => setAs('diagram')}
          >
            Diagram
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={as === 'table'}
            onClick={() => setAs('table')}
          >
            Table
          </button>
        </div>
      </div>
      {as === 'diagram' ? <ActorDiagram /> : <ActorSystem onSelect={onSelect} />}
    </div>
  );
}
