import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../../test/harness/pg-admin.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  recordStatuses,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

// A token command as RDS IAM or Entra ID need: here node printing a token it is handed through
// its environment, so each test decides what the "cloud" answers next.
const server = sharedServer();
const { effects, actors } = effectsPerTest();
const role = uniqueName('tok_user');
await server.createRole(role, 'token-one');
const print = (script: string) => [process.execPath, '-e', script];
const tokenCommand = print('process.stdout.write(process.env.TUSK_TEST_TOKEN + "\\n")');

describe('a password command', () => {
  it('is run afresh on reconnect: a rotated token connects again', async () => {
    process.env.TUSK_TEST_TOKEN = 'token-one';
    const config = configFor(
      { ...server, user: role, password: '' },
      { passwordCommand: { argv: tokenCommand } },
    );
    const actor = startConnection(effects(), config, { actors });
    await connected(actor);
    const statuses = recordStatuses(actor);

    // The token rotates; the old one stops working; the backends go.
    await server.admin().query(`alter role ${role} password 'token-two'`);
    process.env.TUSK_TEST_TOKEN = 'token-two';
    await server.terminate({ applicationName: config.options.applicationName });
    await expect
      .poll(statuses.statuses, { timeout: 8000 })
      .toEqual(['connected', 'reconnecting', 'connected']);
    expect(JSON.stringify(actor.getSnapshot())).not.toContain('token-two');
    statuses.stop();
    await disconnected(actor);
  });

  it('that fails is not retried: error at once, with what it said on stderr, never its output', async () => {
    const config = configFor(
      { ...server, user: role, password: '' },
      {
        passwordCommand: {
          argv: print(
            'process.stdout.write(process.env.TUSK_TEST_HALF);console.error("ExpiredToken");process.exit(3)',
          ),
        },
      },
    );
    process.env.TUSK_TEST_HALF = 'half-a-token';
    const actor = startConnection(effects(), config, { actors });
    const statuses = recordStatuses(actor);
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');
    expect(context.lastError).toMatchObject({
      kind: 'CredentialNotFound',
      code: 'PASSWORD_COMMAND_FAILED',
      message: expect.stringContaining('exited with status 3: ExpiredToken'),
    });
    expect(statuses.statuses()).not.toContain('reconnecting');
    expect(JSON.stringify(actor.getSnapshot())).not.toContain('half-a-token');
    statuses.stop();
  });

  it('that times out on a reconnect is retried with backoff (the cloud may be slow)', async () => {
    process.env.TUSK_TEST_TOKEN = 'token-two';
    // Each run appends a line to a file of this test's; the second run (the first reconnect
    // attempt) hangs past the timeout, the others print the token.
    const runs = join(await mkdtemp(join(tmpdir(), 'tusk-runs-')), 'runs');
    const config = configFor(
      { ...server, user: role, password: '' },
      {
        passwordCommand: {
          argv: print(
            `const fs=require("fs");fs.appendFileSync(${JSON.stringify(runs)},"x\\n");` +
              `if(fs.readFileSync(${JSON.stringify(runs)},"utf8").length===4)setTimeout(()=>{},5000);` +
              'else process.stdout.write(process.env.TUSK_TEST_TOKEN)',
          ),
          timeoutSec: 1,
        },
      },
    );
    const actor = startConnection(effects(), config, { actors });
    await connected(actor);
    const statuses = recordStatuses(actor);
    await server.terminate({ applicationName: config.options.applicationName });
    await expect
      .poll(statuses.statuses, { timeout: 10_000 })
      .toEqual(['connected', 'reconnecting', 'connected']);
    expect((await readFile(runs, 'utf8')).length).toBeGreaterThanOrEqual(6);
    statuses.stop();
    await disconnected(actor);
  });
});
