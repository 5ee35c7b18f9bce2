import { expect, it, vi } from 'vitest';
import { TuskError } from '../../../machines/errors.ts';
import type { CommandContext, CommandTable } from '../commands.ts';
import { createDispatcher, runCommand } from '../dispatch.ts';

// The handlers here use nothing of the context: it stands for no service at all.
const context = {} as CommandContext;

it('an error that is not a TuskError crosses as a generic one: no message, no stack, logged on the host side', async () => {
  const internal = 'ENOENT /root/.secret/place at Object.<anonymous> (main/x.ts:1:1)';
  const table: CommandTable = {
    list_groups: async () => {
      throw new Error(internal);
    },
  };
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  const reply = await runCommand(createDispatcher(context, table), 'list_groups', {});
  expect(reply).toEqual({
    ok: false,
    error: { kind: 'ConnectionFailed', message: 'The host failed unexpectedly; see its log' },
  });
  expect(JSON.stringify(reply)).not.toContain('secret');
  expect(logged).toHaveBeenCalledTimes(1);
  logged.mockRestore();
});

it('a TuskError crosses whole, as its JSON; a void result is null', async () => {
  const table: CommandTable = {
    list_groups: async () => {
      throw new TuskError({ kind: 'Storage', message: 'corrupt', path: '/tmp/c.json' });
    },
    save_group: async () => null,
  };
  const dispatch = createDispatcher(context, table);
  expect(await runCommand(dispatch, 'list_groups', undefined)).toEqual({
    ok: false,
    error: { kind: 'Storage', message: 'corrupt', path: '/tmp/c.json' },
  });
  const group = { id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', name: 'g' };
  expect(await runCommand(dispatch, 'save_group', { group })).toEqual({ ok: true, result: null });
});

it('the schema runs before the handler: refused args never reach it', async () => {
  const handler = vi.fn(async () => null);
  const dispatch = createDispatcher(context, { delete_group: handler });
  const reply = await runCommand(dispatch, 'delete_group', { groupId: 'nope' });
  expect(reply).toMatchObject({ ok: false, error: { kind: 'InvalidInput', field: 'groupId' } });
  expect(await runCommand(dispatch, 'list_groups', {})).toMatchObject({
    ok: false,
    error: { kind: 'InvalidInput', message: expect.stringMatching(/not available/) },
  });
  expect(handler).not.toHaveBeenCalled();
});
