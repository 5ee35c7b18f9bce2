export { createElectronTransport, type TuskBridge } from './electron.ts';
export { typedInvoke, unwrap } from './invoke.ts';
export { tokenOf, transportForPage } from './page.ts';
export {
  createWebSocketTransport,
  type LinkState,
  type SocketConstructor,
  type SocketLike,
  type WebSocketTransport,
  type WebSocketTransportOptions,
} from './websocket.ts';
