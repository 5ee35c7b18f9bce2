import { describe, expect, it } from 'vitest';
import { connectionMachine } from '../../machines/connection.machine.ts';
import { managerMachine } from '../../machines/manager.machine.ts';
import { tunnelMachine } from '../../machines/tunnel.machine.ts';
import { toMermaid } from '../../scripts/statecharts.ts';
import { expectEveryStateDrawn, expectEveryTransitionDrawn } from './chart-coverage.ts';
import { allStates, allTransitions, parseStateDiagram } from './state-diagram.ts';

describe.each([
  ['connection', connectionMachine],
  ['manager', managerMachine],
  ['tunnel', tunnelMachine],
] as const)('the generated %s chart', (_, machine) => {
  const mermaid = toMermaid(machine);

  it('draws every state of the definition once, inside its parent', () => {
    expectEveryStateDrawn(machine, mermaid);
  });

  it('draws every transition of the definition, and no other', () => {
    const count = expectEveryTransitionDrawn(machine, mermaid);
    expect(count).toBe(allTransitions(machine).length);
    expect(count).toBeGreaterThan(0);
  });
});

describe('what the connection chart shows', () => {
  const mermaid = toMermaid(connectionMachine);

  it('walks a definition large enough to be worth drawing', () => {
    // Guards against a walk that silently stops at the top level.
    expect(allStates(connectionMachine.root).length).toBeGreaterThan(20);
    expect(allTransitions(connectionMachine).length).toBeGreaterThan(40);
  });

  it('names delays and invoked actors, not numbers and generated ids', () => {
    const labels = parseStateDiagram(mermaid).arrows.flatMap((a) => a.labels);
    expect(labels).toEqual(
      expect.arrayContaining([
        'after keepaliveInterval',
        'done: openSession',
        'error: ping / recordError',
        'always [canRetry]',
      ]),
    );
    expect(mermaid).not.toMatch(/xstate\.|\d+\.connection/);
  });
});

describe('what the manager chart shows', () => {
  it('notes the connection actors it spawns', () => {
    const manager = parseStateDiagram(toMermaid(managerMachine)).states.get('manager');
    expect(manager?.notes).toContain('spawns connection');
  });
});
