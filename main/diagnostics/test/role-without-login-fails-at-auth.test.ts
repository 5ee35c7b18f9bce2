import pg from 'pg';
import { expect, test } from 'vitest';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, watchLeaks } from './helpers.ts';

const server = sharedServer();

test('a role that may not log in fails at auth with 28000 and points at pg_hba.conf and LOGIN', async () => {
  const role = uniqueName('nologin');
  const password = 'nologin-password-1';
  await server
    .admin()
    .query(
      `create role ${pg.escapeIdentifier(role)} nologin password ${pg.escapeLiteral(password)}`,
    );
  const config = configFor(server, { username: role });
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, password);

  await checkLeaks();
  expect(result.stages.map((s) => s.name)).toEqual(['dns', 'tcp', 'tls', 'auth']);
  expect(result.stages[3]).toMatchObject({
    ok: false,
    error: { kind: 'AuthFailed', code: '28000' },
    hint: `The server does not let user ${role} into database ${server.database} from this machine: check pg_hba.conf (host, user, database, TLS) and that the role may log in`,
  });
});
