import { beforeEach, expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import type { ConnectionService } from '../service.ts';
import { configFor, recordStatuses, rejection, startService } from './helpers.ts';

const server = sharedServer();
let service: ConnectionService;
let id: string;
let events: ReturnType<typeof recordStatuses>;

beforeEach(async () => {
  ({ service } = await startService());
  const config = configFor(server);
  id = config.id;
  await service.connect(config, { password: server.password });
  events = recordStatuses(service);
});

it('a syntax error is QueryFailed with SQLSTATE 42601 and the position of the error', async () => {
  const error = await rejection(service.query(id, 'select 1 from from pg_class'));

  expect(error.toJSON()).toMatchObject({ kind: 'QueryFailed', code: '42601', position: 15 });
  expect(error.message).toMatch(/syntax error at or near "from"/);
});

it('an unknown table is 42P01 with its position', async () => {
  const error = await rejection(service.query(id, 'select * from no_such_table_here'));

  expect(error).toMatchObject({ kind: 'QueryFailed', code: '42P01', position: 15 });
});

it('a unique violation carries the detail, an unknown function the hint', async () => {
  const unique = await rejection(
    service.query(id, 'create temp table u (n int primary key); insert into u values (1), (1)'),
  );
  const fn = await rejection(service.query(id, 'select no_such_function(1)'));

  expect(unique).toMatchObject({ kind: 'QueryFailed', code: '23505' });
  expect(unique.detail).toMatch(/Key \(n\)=\(1\) already exists/);
  expect(fn).toMatchObject({ kind: 'QueryFailed', code: '42883', position: 8 });
  expect(fn.hint).toMatch(/No function matches/);
});

it('a bad parameter is 22P02; parameters otherwise work', async () => {
  const bad = await rejection(service.query(id, 'select $1::int + 1 as n', ['x']));
  const good = await service.query(id, 'select $1::int + 1 as n', [41]);

  expect(bad).toMatchObject({ kind: 'QueryFailed', code: '22P02' });
  expect(good).toMatchObject({ rows: [{ n: 42 }], rowCount: 1 });
  expect(good.fields).toEqual([{ name: 'n', dataTypeID: 23 }]);
});

it('query errors neither disturb the connection nor trigger a reconnect', async () => {
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      rejection(service.query(id, i % 2 ? 'select 1/0' : 'selec')),
    ),
  );

  await expect(service.query(id, 'select 1 as one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
  expect(await service.getConnectionStatus(id)).toBe('connected');
  expect(events).toEqual([]);
});

it('empty SQL and non-array params are InvalidInput, nothing is sent', async () => {
  expect((await rejection(service.query(id, '  '))).kind).toBe('InvalidInput');
  expect((await rejection(service.query(id, 'select 1', 'x' as never))).kind).toBe('InvalidInput');
});
