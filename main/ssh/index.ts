export { ChannelSocket } from './channel-socket.ts';
export {
  createSshEffects,
  type OneOffSshSecrets,
  type SshEffects,
  type SshEffectsOptions,
} from './effects.ts';
export { fingerprintOf, knownHostsName } from './known-hosts.ts';
export { SshTunnel } from './tunnel.ts';
