import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { configFor, recordStatuses, rejection, startService } from './helpers.ts';

const server = sharedServer();
const role = uniqueName('keyring_user');
const password = `kr-${randomUUID()}`;
const target = () => ({ ...server, user: role });

beforeAll(() => server.createRole(role, password));

describe('passwordInKeyring', () => {
  it('saveConnection puts the password in the keyring; connect without one reads it from there', async () => {
    const { service, credentials } = await startService();
    const config = configFor(target(), { passwordInKeyring: true });

    await service.saveConnection(config, password);
    const [saved] = await service.listConnections();
    const info = await service.connect(saved!.config);

    expect(saved!.config.passwordInKeyring).toBe(true);
    expect(await credentials.getPassword(config.id)).toBe(password);
    expect(info.currentUser).toBe(role);
    await expect(service.query(config.id, 'select current_user as u')).resolves.toMatchObject({
      rows: [{ u: role }],
    });
  });

  it('saving a password without passwordInKeyring is refused, so no config disagrees with the keyring', async () => {
    const { service } = await startService();
    // As a careless form would send it: the password typed, the flag left at its default.
    const config = configFor(target());
    expect(config.passwordInKeyring).toBe(false);
    const error = await rejection(service.saveConnection(config, password));
    expect(error).toMatchObject({ kind: 'InvalidInput', field: 'passwordInKeyring' });
    expect(await service.listConnections()).toEqual([]);

    const flagged = { ...config, passwordInKeyring: true };
    await service.saveConnection(flagged, password);
    await expect(service.connect(flagged)).resolves.toMatchObject({ currentUser: role });
  });

  it('the keyring password still works after a restart of the service', async () => {
    const { service, reopen } = await startService();
    const config = configFor(target(), { passwordInKeyring: true });
    await service.saveConnection(config, password);
    await service.close();

    const restarted = await reopen();
    const [saved] = await restarted.listConnections();

    await expect(restarted.connect(saved!.config)).resolves.toMatchObject({ currentUser: role });
  });

  it('with no credential in the keyring, connect fails with CredentialNotFound and opens nothing', async () => {
    const { service } = await startService();
    const events = recordStatuses(service);
    const config = configFor(target(), { passwordInKeyring: true });

    const error = await rejection(service.connect(config));

    expect(error.kind).toBe('CredentialNotFound');
    expect(error.message).toContain(config.name);
    expect(events.map((e) => [e.status, e.error?.kind])).toEqual([
      ['connecting', undefined],
      ['error', 'CredentialNotFound'],
    ]);
    expect(await service.getConnectionStatus(config.id)).toBe('error');
    expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
  });

  it('a password given to connect is used for that session, and the keyring keeps its own', async () => {
    const { service, credentials } = await startService();
    const config = configFor(target(), { passwordInKeyring: true });
    await service.saveConnection(config, 'an outdated password');

    await expect(service.connect(config, { password })).resolves.toMatchObject({
      currentUser: role,
    });
    expect(await credentials.getPassword(config.id)).toBe('an outdated password');
  });

  it('without the keyring and without a password, a server that asks for one gives AuthFailed', async () => {
    const { service } = await startService();
    const config = configFor(target(), { passwordInKeyring: false });

    const error = await rejection(service.connect(config));

    expect(error.kind).toBe('AuthFailed');
    expect(await service.getConnectionStatus(config.id)).toBe('error');
  });
});
