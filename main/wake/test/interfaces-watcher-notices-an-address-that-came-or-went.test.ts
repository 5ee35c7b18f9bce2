import type { NetworkInterfaceInfo } from 'node:os';
import { expect, it } from 'vitest';
import {
  addressesOf,
  type InterfaceChange,
  type InterfaceList,
  watchInterfaces,
} from '../interfaces.ts';
import { simClock } from './sim-clock.ts';

const info = (address: string, internal = false): NetworkInterfaceInfo =>
  ({
    address,
    netmask: '255.255.255.0',
    family: address.includes(':') ? 'IPv6' : 'IPv4',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: null,
    ...(address.includes(':') ? { scopeid: 0 } : {}),
  }) as NetworkInterfaceInfo;

const loopback: InterfaceList = { lo: [info('127.0.0.1', true), info('::1', true)] };
const wifiA: InterfaceList = { ...loopback, wlan0: [info('192.168.1.20')] };
const wifiB: InterfaceList = { ...loopback, wlan0: [info('10.0.0.7')] };
const withVpn: InterfaceList = { ...wifiB, tun0: [info('172.16.0.2')] };

it('reports each address that came or went, once, between two reads', () => {
  const clock = simClock();
  let current = wifiA;
  const changes: InterfaceChange[] = [];
  const stop = watchInterfaces((c) => changes.push(c), {
    timers: clock,
    intervalMs: 1000,
    read: () => current,
  });
  clock.run(5000);
  expect(changes).toEqual([]);

  // Wi-Fi A to B: one address gone, one new.
  current = wifiB;
  clock.run(1000);
  expect(changes).toEqual([{ added: ['wlan0 10.0.0.7'], gone: ['wlan0 192.168.1.20'] }]);

  // A VPN up, then down.
  current = withVpn;
  clock.run(1000);
  current = wifiB;
  clock.run(1000);
  expect(changes.slice(1)).toEqual([
    { added: ['tun0 172.16.0.2'], gone: [] },
    { added: [], gone: ['tun0 172.16.0.2'] },
  ]);
  clock.run(10_000);
  expect(changes).toHaveLength(3);
  stop();
  expect(clock.active()).toBe(0);
});

it('loopback is left out, and a read that throws is skipped, not a change', () => {
  expect([...addressesOf(wifiA)]).toEqual(['wlan0 192.168.1.20']);
  const clock = simClock();
  const reads: (() => InterfaceList)[] = [
    () => wifiA,
    () => {
      throw new Error('interfaces are changing');
    },
    () => wifiA,
    () => ({ ...wifiA, lo: [] }),
  ];
  const changes: InterfaceChange[] = [];
  watchInterfaces((c) => changes.push(c), {
    timers: clock,
    intervalMs: 1000,
    read: () => (reads.shift() ?? (() => wifiA))(),
  });
  clock.run(5000);
  expect(changes).toEqual([]);
});
