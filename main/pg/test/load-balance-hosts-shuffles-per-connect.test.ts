import { describe, expect, it } from 'vitest';
import { validate } from '../../../machines/config.ts';
import { hostOrder } from '../hosts.ts';

const hosts = [1, 2, 3, 4].map((n) => ({ host: `h${n}`, port: 5430 + n }));
const config = (loadBalanceHosts: 'disable' | 'random') =>
  validate({
    id: '00000000-0000-4000-8000-000000000000',
    name: 'x',
    host: 'h1',
    port: 5431,
    hosts,
    database: 'd',
    username: 'u',
    options: { loadBalanceHosts },
  });

describe('the order hosts are tried in', () => {
  it('is the listed order with load_balance_hosts=disable', () => {
    expect(hostOrder(config('disable'), () => 0.99)).toEqual(hosts);
  });

  it('is a shuffle of every host with load_balance_hosts=random, different across connects', () => {
    const orders = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const order = hostOrder(config('random'));
      expect([...order].sort((a, b) => a.port - b.port)).toEqual(hosts);
      orders.add(order.map((h) => h.port).join(','));
    }
    // 24 permutations; 200 draws see most of them, and the first host is not always h1.
    expect(orders.size).toBeGreaterThan(12);
    expect([...orders].some((o) => !o.startsWith('5431'))).toBe(true);
  });
});
