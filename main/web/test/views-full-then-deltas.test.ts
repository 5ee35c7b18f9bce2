import { expect, it } from 'vitest';
import type { ConnectionView, ViewsPayload } from '../../../machines/views.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor } from '../../test/helpers.ts';
import { delay, ipcUrl, rawClient, startHost, until } from './helpers.ts';

const server = sharedServer();

it('a client gets every view once, then deltas: a burst of transitions in few messages, removed ids on delete', async () => {
  const { host, service } = await startHost();
  const configs = Array.from({ length: 5 }, (_, i) => configFor(server, { name: `web ${i}` }));
  for (const config of configs) await service.saveConnection(config);
  const client = await rawClient(ipcUrl(host));
  const views = () => client.events('connection:views') as ViewsPayload[];
  await until('the whole set', () => views().length === 1);

  const [first] = views();
  expect(first!.full).toBe(true);
  const whole = (first as { views: ConnectionView[] }).views;
  expect(whole.map((v) => v.id).sort()).toEqual(configs.map((c) => c.id).sort());
  expect(whole.every((v) => v.status === 'disconnected' && v.transitions.length === 0)).toBe(true);

  // Five connects at once: each goes through five transitions.
  await Promise.all(
    configs.map((config) => service.connect(config, { password: server.password })),
  );
  await delay(100);
  const deltas = views().slice(1);
  const transitions = host.views.all().reduce((n, v) => n + v.transitions.length, 0);
  expect(transitions).toBe(25);
  expect(deltas.length).toBeGreaterThan(0);
  expect(deltas.length).toBeLessThan(transitions);
  expect(deltas.every((d) => !d.full)).toBe(true);
  // The last view each delta held of a connection is where it is now.
  const latest = new Map<string, ConnectionView>();
  for (const d of deltas) if (!d.full) for (const v of d.changed) latest.set(v.id, v);
  expect([...latest.values()].map((v) => v.status)).toEqual(configs.map(() => 'connected'));
  for (const view of latest.values()) {
    expect(view.transitions.at(-1)).toMatchObject({ to: 'connected.idle' });
    expect(view.config).not.toHaveProperty('password');
  }

  const before = views().length;
  await service.deleteConnection(configs[0]!.id);
  await until('a removal', () =>
    views()
      .slice(before)
      .some((d) => !d.full && d.removed.includes(configs[0]!.id)),
  );
  // A new socket starts from the whole set, without the deleted connection.
  const late = await rawClient(ipcUrl(host));
  await until('the late whole set', () => late.events('connection:views').length === 1);
  const [lateFirst] = late.events('connection:views') as ViewsPayload[];
  expect((lateFirst as { views: ConnectionView[] }).views.map((v) => v.id).sort()).toEqual(
    configs
      .slice(1)
      .map((c) => c.id)
      .sort(),
  );
});
