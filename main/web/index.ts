export {
  MAX_FRAME_BYTES,
  type Notice,
  startWebHost,
  type WebHost,
  type WebHostOptions,
} from './host.ts';
