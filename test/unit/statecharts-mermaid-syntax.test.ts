import { describe, expect, it } from 'vitest';
import { assign, not, setup } from 'xstate';
import { connectionMachine } from '../../machines/connection.machine.ts';
import { managerMachine } from '../../machines/manager.machine.ts';
import { escapeLabel } from '../../scripts/statecharts/mermaid.ts';
import { toMermaid } from '../../scripts/statecharts.ts';
import { expectEveryStateDrawn, expectEveryTransitionDrawn } from './chart-coverage.ts';
import { parseStateDiagram } from './state-diagram.ts';

/** Names that break Mermaid's grammar if written as they are, and shapes our machines lack. */
const awkwardMachine = () =>
  setup({
    guards: { ready: () => true },
    delays: { 'long-wait': 1000 },
  }).createMachine({
    id: 'odd-machine',
    initial: 'first-step',
    states: {
      'first-step': {
        entry: assign({}),
        on: {
          'connection:status': { target: 'end', guard: not('ready') },
          'a;b {c}': { target: 'state', actions: assign({}) },
          '#hash "quoted" <b> 50%': 'state',
        },
        after: {
          500: 'end',
          'long-wait': { target: '#odd-machine.state.left.l2', guard: () => true },
        },
      },
      state: {
        type: 'parallel',
        states: {
          left: { initial: 'l1', states: { l1: { on: { GO: 'l2' } }, l2: {} } },
          right: { initial: 'r1', states: { r1: { on: { GO: 'r2' } }, r2: { type: 'final' } } },
        },
        onDone: 'end',
      },
      end: { type: 'final' },
    },
  });

const machines = [
  ['connection', connectionMachine],
  ['manager', managerMachine],
  ['awkward', awkwardMachine()],
] as const;

describe('Mermaid syntax of the generated charts', () => {
  it('escapes the characters that end or open a label as entity codes', () => {
    expect(escapeLabel('done: a; {b} #c "d" <e> 5%')).toBe(
      'done#58; a#59; #123;b#125; #35;c #34;d#34; #60;e#62; 5#37;',
    );
  });

  it.each(machines)('%s: every line is one Mermaid reads as meant', (_, machine) => {
    expect(() => parseStateDiagram(toMermaid(machine))).not.toThrow();
  });

  it.each(machines)('%s: ids are plain words, never a grammar keyword', (_, machine) => {
    for (const alias of parseStateDiagram(toMermaid(machine)).states.keys()) {
      expect(alias).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(['state', 'note', 'end', 'direction', 'class', 'as']).not.toContain(alias);
    }
  });

  it.each(machines)(
    '%s: an arrow inside a block joins only that block’s own states',
    (_, machine) => {
      // Mermaid moves a state into the block of any arrow naming it; this keeps states in place.
      const d = parseStateDiagram(toMermaid(machine));
      for (const arrow of d.arrows.filter((a) => a.block !== undefined)) {
        expect(d.states.get(arrow.from)?.block, `${arrow.from} → ${arrow.to}`).toBe(arrow.block);
        expect(d.states.get(arrow.to)?.block, `${arrow.from} → ${arrow.to}`).toBe(arrow.block);
      }
    },
  );

  it.each(machines)('%s: the same definition gives the same text', (_, machine) => {
    expect(toMermaid(machine)).toBe(toMermaid(machine));
  });

  it('draws an awkward machine completely: parallel regions, numeric delays, inline guards', () => {
    const machine = awkwardMachine();
    const mermaid = toMermaid(machine);
    expectEveryStateDrawn(machine, mermaid);
    expect(expectEveryTransitionDrawn(machine, mermaid)).toBe(8);
    expect(toMermaid(awkwardMachine())).toBe(mermaid);
    const d = parseStateDiagram(mermaid);
    expect(d.dividers).toEqual(['s_state']);
    expect(d.arrows.flatMap((a) => a.labels)).toEqual(
      expect.arrayContaining([
        'after 500ms',
        'after long-wait [inline]',
        'connection:status [!ready]',
      ]),
    );
  });

  it('resolves targets given by id to the state they name', () => {
    const d = parseStateDiagram(toMermaid(connectionMachine));
    const into = (to: string) => d.arrows.filter((a) => a.to === to).map((a) => a.from);
    expect(into('error')).toEqual(
      expect.arrayContaining(['connecting_credentials', 'connected_lost', 'reconnecting_failed']),
    );
    expect(into('disconnected_closing')).toEqual([
      'connecting',
      'connected',
      'reconnecting',
      'error',
    ]);
  });
});
