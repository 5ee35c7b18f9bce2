import { describe, expect, it } from 'vitest';
import { rejection, startService } from '../../test/helpers.ts';
import { bouncerModes, poolerPerFile } from './helpers.ts';

describe.each(bouncerModes)('a wrong password through PgBouncer, %s pooling', (mode) => {
  const fx = poolerPerFile(mode);

  it('is AuthFailed after one attempt, with a hint about the pooler', async () => {
    const { service } = await startService();
    const config = fx.config({ options: { maxReconnectAttempts: 5 } });
    const before = attempts(fx.bouncer.log(), fx.user);
    const error = await rejection(service.connect(config, { password: 'not-the-password' }));
    expect(error).toMatchObject({ kind: 'AuthFailed', code: '28P01' });
    expect(error.hint).toContain('auth_file');
    expect(await service.getConnectionStatus(config.id)).toBe('error');
    // Give a retry loop the time to show itself, then count the pooler's own log lines.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(attempts(fx.bouncer.log(), fx.user) - before).toBe(1);
    expect(error.message).not.toContain('not-the-password');
  });

  it('and the right one still works', async () => {
    const { service } = await startService();
    const config = fx.config();
    await service.connect(config, { password: fx.password });
    expect((await service.query(config.id, 'select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});

const attempts = (log: string, user: string) =>
  log
    .split('\n')
    .filter((line) => line.includes(`login attempt: db=`) && line.includes(`user=${user}`)).length;
