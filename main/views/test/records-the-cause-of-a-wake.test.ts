import { expect, it } from 'vitest';
import { createConnectionViews } from '../connection-views.ts';
import { configs, fakeManager, settle } from './helpers.ts';

it("a WAKE's transition says why it was sent; one without a cause says nothing", async () => {
  const { manager, effects } = fakeManager();
  const views = createConnectionViews(manager);
  const [config] = configs(1);
  manager.send({ type: 'CONNECTION_ADD', config: config! });
  manager.send({ type: 'CONNECT', connectionId: config!.id });
  await settle();
  // The ping never answers, so the connection stays in `pinging` while the view is read.
  effects.hold('ping');
  manager.send({ type: 'WAKE', cause: 'resume' });
  await settle();

  const wakes = views.get(config!.id)!.transitions.filter((t) => t.event === 'WAKE');
  expect(wakes).toEqual([
    expect.objectContaining({ from: 'connected.idle', to: 'connected.pinging', cause: 'resume' }),
  ]);
  const other = views.get(config!.id)!.transitions.filter((t) => t.event !== 'WAKE');
  expect(other.every((t) => t.cause === undefined)).toBe(true);
  views.stop();
  manager.stop();
});
