import { useState } from 'react';
import { ActorSystem } from '../components/ActorSystem.tsx';
import { Segmented } from '../components/Segmented.tsx';
import { ActorDiagram } from './ActorDiagram.tsx';

const VIEWS = [
  ['diagram', 'Diagram'],
  ['table', 'Table'],
] as const;

/**
 * The actor system, as a live diagram or as the table: the table is the accessible way through
 * (a row per actor, keyboard and screen reader friendly), the diagram the one to look at.
 */
export function ActorsScreen({ onSelect }: { onSelect: (id: string) => void }) {
  const [as, setAs] = useState<(typeof VIEWS)[number][0]>('diagram');
  return (
    <div className="actors-screen">
      <div className="actors-switch">
        <h2 className="screen-title">Actor system</h2>
        <Segmented label="Show the actor system as" options={VIEWS} value={as} onChange={setAs} />
      </div>
      {as === 'diagram' ? <ActorDiagram /> : <ActorSystem onSelect={onSelect} />}
    </div>
  );
}
