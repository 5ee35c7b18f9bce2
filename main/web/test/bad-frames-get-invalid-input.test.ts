import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { ipcUrl, rawClient, startHost } from './helpers.ts';

it('malformed JSON, unknown commands, wrong types, extra keys, a huge string: InvalidInput, and the socket goes on', async () => {
  const { host, service } = await startHost();
  const client = await rawClient(ipcUrl(host));
  const alive = async () =>
    expect(await client.request('list_groups', {})).toMatchObject({ ok: true, result: [] });
  const huge = 'x'.repeat(900 * 1024);

  const cases: [string, string | Buffer, number | null, string][] = [
    ['not JSON', '{"id": 1, "command": ', null, 'frame'],
    ['JSON, not an object', '[1, 2, 3]', null, 'frame'],
    ['no command', JSON.stringify({ id: 7 }), 7, 'command'],
    ['a string id', JSON.stringify({ id: 'seven', command: 'list_groups' }), null, 'id'],
    ['extra key on the frame', JSON.stringify({ id: 8, command: 'list_groups', x: 1 }), 8, 'frame'],
    ['binary frame', Buffer.from('{"id":9,"command":"list_groups"}'), null, 'frame'],
    ['unknown command', JSON.stringify({ id: 10, command: 'drop_database' }), 10, 'command'],
    [
      'a command named by an object key',
      JSON.stringify({ id: 11, command: 'toString', args: {} }),
      11,
      'command',
    ],
    [
      'wrong type',
      JSON.stringify({ id: 12, command: 'get_connection_status', args: { connectionId: 42 } }),
      12,
      'connectionId',
    ],
    [
      'extra key in args',
      JSON.stringify({
        id: 13,
        command: 'disconnect',
        args: { connectionId: randomUUID(), force: true },
      }),
      13,
      'extra',
    ],
    [
      'args not an object',
      JSON.stringify({ id: 14, command: 'list_groups', args: 'all' }),
      14,
      'list_groups arguments',
    ],
    [
      'a huge string',
      JSON.stringify({ id: 15, command: 'get_connection_status', args: { connectionId: huge } }),
      15,
      'connectionId',
    ],
    ['a huge unknown command name', JSON.stringify({ id: 16, command: huge }), 16, 'command'],
    [
      'a bad config',
      JSON.stringify({ id: 17, command: 'save_connection', args: { config: { name: 1 } } }),
      17,
      '',
    ],
  ];
  for (const [what, text, id, field] of cases) {
    const reply = await client.sendRaw(text, id);
    expect(reply, what).toMatchObject({ id, ok: false, error: { kind: 'InvalidInput' } });
    const error = (reply as { error: { field?: string; message: string } }).error;
    if (field === 'extra') expect(error.message, what).toMatch(/force/);
    else if (field !== '') expect(error.field, what).toBe(field);
    // A refusal never echoes a huge input back.
    expect(error.message.length, what).toBeLessThan(500);
    await alive();
  }
  expect(client.socket.readyState).toBe(client.socket.OPEN);
  expect(await service.listConnections()).toEqual([]);
});
