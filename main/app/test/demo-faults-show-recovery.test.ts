import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../machines/config.ts';
import { recordStatuses, rejection, untilStatuses } from '../../test/helpers.ts';
import { createDemoControls } from '../demo-controls.ts';
import { freshAppDir, startDemoApp } from './helpers.ts';

describe('demo fault controls', () => {
  it('terminate, blackhole and restart each take the demo connection through reconnecting back to connected', async () => {
    const { service, demo } = await startDemoApp(await freshAppDir());
    const controls = createDemoControls({ demo, service });
    const id = demo.connectionId;
    const events = recordStatuses(service);
    const [saved] = await service.listConnections();
    await service.connect(saved!.config);
    const expected: ConnectionStatus[] = ['connecting', 'connected'];

    for (const fault of ['terminate', 'blackhole', 'restart'] as const) {
      await controls.fault(id, fault, fault === 'blackhole' ? 1 : undefined);
      expected.push('reconnecting', 'connected');
      // Keepalive every 2 s with a 2 s deadline notices the blackhole; attempts time out at 2 s.
      const seen = await untilStatuses(events, id, expected, 20_000);
      expect(seen, fault).toEqual(expected);
    }
    await controls.close();
  });

  it('refuses a connection that is not the demo, and a blackhole that is too long', async () => {
    const { service, demo } = await startDemoApp(await freshAppDir());
    const controls = createDemoControls({ demo, service });
    expect(controls.isDemo(demo.connectionId)).toBe(true);
    const other = crypto.randomUUID();
    expect(controls.isDemo(other)).toBe(false);
    expect(await rejection(controls.fault(other, 'terminate'))).toMatchObject({
      kind: 'InvalidInput',
      field: 'connectionId',
    });
    expect(await rejection(controls.fault(demo.connectionId, 'blackhole', 600))).toMatchObject({
      kind: 'InvalidInput',
      field: 'seconds',
    });
    const none = createDemoControls({ demo: undefined, service });
    expect(none.isDemo(demo.connectionId)).toBe(false);
    expect((await rejection(none.fault(demo.connectionId, 'restart'))).message).toMatch(
      /No demo database is running/,
    );
  });
});
