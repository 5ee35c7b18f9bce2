import type { InspectionEvent } from 'xstate';
import type { ConnectionStatus } from '../machines/config.ts';
import { type ConnectionActorRef, connectionActorId } from '../machines/manager.machine.ts';
import { startPostgres } from '../test/harness/postgres.ts';
import { defineBenchmark } from './lib/bench.ts';
import { benchConfig, openService, progress } from './lib/setup.ts';
import { fmt, max, median, percentile } from './lib/stats.ts';

interface Stamp {
  status: ConnectionStatus;
  at: number;
  /** Seen before any microtask ran since the transition: in the same synchronous run. */
  sameRun: boolean;
}

/** Cleared by a microtask queued at each transition. */
let sameRun = false;

const topState = (value: unknown): ConnectionStatus =>
  (typeof value === 'string' ? value : Object.keys(value as object)[0]) as ConnectionStatus;

/** Records each change of top-level state, with the time it was seen. */
function recorder(initial: ConnectionStatus) {
  let last = initial;
  const stamps: Stamp[] = [];
  return {
    stamps,
    see(status: ConnectionStatus) {
      if (status === last) return;
      last = status;
      stamps.push({ status, at: performance.now(), sameRun });
    },
  };
}

export default defineBenchmark({
  name: 'status-latency',
  title: '5. Status-event latency',
  async run({ quick }) {
    const cycles = quick ? 40 : 100;
    const warmup = 5;
    const server = await startPostgres();
    let actorId = '';
    // The moment of transition: the connection actor's microstep into a new top-level state,
    // reported to the inspector before any action's effect (the report to the manager is one).
    const transitions = recorder('disconnected');
    const inspect = (event: InspectionEvent) => {
      if (
        event.type !== '@xstate.microstep' ||
        (event.actorRef as unknown as { id: string }).id !== actorId
      )
        return;
      const before = transitions.stamps.length;
      transitions.see(topState((event.snapshot as unknown as { value: unknown }).value));
      if (transitions.stamps.length > before) {
        sameRun = true;
        queueMicrotask(() => {
          sameRun = false;
        });
      }
    };
    const { service, close } = await openService({ inspect });
    const config = benchConfig(server, 'bench-status');
    actorId = connectionActorId(config.id);
    const listener = recorder('disconnected');
    const managerView = recorder('disconnected');
    const ownView = recorder('disconnected');
    const stopListening = service.onStatus((e) => {
      if (e.connectionId === config.id) listener.see(e.status);
    });
    const managerSub = service.manager.subscribe((s) => {
      const status = s.context.statuses[config.id];
      if (status) managerView.see(status);
    });
    try {
      await service.saveConnection(config);
      const ref = service.manager.system.get(actorId) as ConnectionActorRef;
      const ownSub = ref.subscribe((s) => ownView.see(topState(s.value)));
      let skip = 0;
      for (let i = 0; i < warmup + cycles; i++) {
        if (i === warmup) skip = transitions.stamps.length;
        await service.connect(config, { password: server.password });
        await service.disconnect(config.id);
        if ((i + 1) % 20 === 0) progress(`status: ${i + 1}/${warmup + cycles} cycles`);
      }
      ownSub.unsubscribe();

      const source = transitions.stamps.slice(skip);
      const mine = (seen: Stamp[]) => {
        const stamps = seen.slice(skip);
        if (stamps.length !== source.length) {
          throw new Error(`${stamps.length} events for ${source.length} transitions`);
        }
        stamps.forEach((stamp, i) => {
          if (stamp.status !== source[i]!.status) {
            throw new Error(`event ${i} is ${stamp.status}, not ${source[i]!.status}`);
          }
        });
        return stamps;
      };
      const own = mine(ownView.stamps);
      const rows = [
        { label: '`service.onStatus` listener', stamps: mine(listener.stamps) },
        { label: 'subscriber of the manager snapshot', stamps: mine(managerView.stamps) },
        { label: "(for comparison) the connection actor's own subscriber", stamps: own },
      ].map(({ label, stamps }) => ({
        label,
        us: stamps.map((s, i) => (s.at - source[i]!.at) * 1000),
        vsOwn: stamps.map((s, i) => (s.at - own[i]!.at) * 1000),
        sameRun: stamps.filter((s) => s.sameRun).length,
      }));
      const [onStatus, snapshot, ownRow] = rows as [
        (typeof rows)[0],
        (typeof rows)[0],
        (typeof rows)[0],
      ];
      const vsOwn = (status: ConnectionStatus) =>
        median(source.flatMap((t, i) => (t.status === status ? [onStatus.vsOwn[i]!] : [])));
      const [ing, ed, dis] = [vsOwn('connecting'), vsOwn('connected'), vsOwn('disconnected')];
      const order =
        ed < 0 && ing > 0 && dis > 0
          ? [
              `for a transition the actor makes by itself (connected) \`onStatus\` hears of it`,
              `${fmt(-ed, 0)} µs before the actor's own subscriber: the report to the manager is a`,
              'deferred `sendTo` that xstate relays when the actor commits its snapshot, before it',
              'notifies its own observers. For one caused by a command the manager routed (connecting,',
              `disconnected) it hears ${fmt(ing, 0)} and ${fmt(dis, 0)} µs after: the manager is still`,
              'processing that command, so the report waits in its mailbox until it is done.',
            ].join(' ')
          : `\`onStatus\` minus the actor's own subscriber is ${fmt(ing, 0)} µs for connecting, ${fmt(ed, 0)} for connected and ${fmt(dis, 0)} for disconnected.`;
      return {
        method: [
          `${cycles} connect/disconnect cycles (after ${warmup} for warm-up) make`,
          `${source.length} transitions (connecting, connected, disconnected). The moment of each is`,
          "taken in an `inspect` observer at the connection actor's microstep into the new top-level",
          'state; the latency runs from there to the `service.onStatus` listener and to a subscriber',
          "of the manager actor's snapshot (`context.statuses`), clocked with `performance.now()`.",
          'A microtask queued at the transition tells whether a listener ran in the same synchronous',
          'run (before it) or later.',
        ].join(' '),
        tables: [
          {
            caption: `Transition → listener, µs (${source.length} transitions):`,
            columns: [
              'listener',
              'median',
              'p99',
              'max',
              "median vs the actor's own subscriber",
              'in the same synchronous run',
            ],
            rows: rows.map((r) => [
              r.label,
              fmt(median(r.us), 1),
              fmt(percentile(r.us, 99), 1),
              fmt(max(r.us), 1),
              r === ownRow ? '—' : fmt(median(r.vsOwn), 1),
              `${r.sameRun} of ${r.us.length}`,
            ]),
          },
          {
            caption:
              'By status, median µs (transition → `onStatus`; `onStatus` minus own subscriber):',
            columns: ['status', 'transitions', 'to `onStatus`', 'vs own subscriber'],
            rows: (['connecting', 'connected', 'disconnected'] as const).map((status) => {
              const at = source.flatMap((t, i) => (t.status === status ? [i] : []));
              return [
                status,
                at.length,
                fmt(median(at.map((i) => onStatus.us[i]!)), 1),
                fmt(median(at.map((i) => onStatus.vsOwn[i]!)), 1),
              ];
            }),
          },
        ],
        verdicts: [],
        notes: [
          [
            `No target was set. Median ${fmt(median(onStatus.us), 1)} µs to \`onStatus\` and`,
            `${fmt(median(snapshot.us), 1)} µs to the manager's snapshot, measured from the first microstep`,
            'of the transition, so it includes the rest of that macrostep (entry actions, starting the',
            `invoked effect actors); ${onStatus.sameRun} of ${onStatus.us.length} \`onStatus\` deliveries`,
            `ran in the same synchronous run as the transition. As for the order, ${order}`,
          ].join(' '),
        ],
      };
    } finally {
      stopListening();
      managerSub.unsubscribe();
      await close();
      await server.dispose();
    }
  },
});
