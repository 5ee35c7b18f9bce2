import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';

/** Opens a direct-tcpip channel to host:port over the SSH connection. */
export type OpenChannel = (
  host: string,
  port: number,
  done: (error: Error | undefined, channel?: ClientChannel) => void,
) => void;

/**
 * What pg needs of a socket (its `stream` option), over an SSH channel: `connect(port, host)`
 * opens a channel to that host through the tunnel and emits `connect`, so every pooled client
 * (and each cancel request) gets a channel of its own on the one SSH connection, and no local
 * port is ever listened on. TLS to the server still works: pg wraps this stream in tls.connect.
 */
export class ChannelSocket extends Duplex {
  readonly #open: OpenChannel;
  #channel: ClientChannel | null = null;

  constructor(open: OpenChannel) {
    super({ allowHalfOpen: false });
    this.#open = open;
  }

  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  // What keeps the process alive is the SSH connection's own socket, not a channel.
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  connect(port: number, host: string): this {
    this.#open(host, port, (error, channel) => {
      if (this.destroyed) {
        channel?.close();
        return;
      }
      if (error || !channel) {
        this.destroy(error ?? new Error('The SSH server opened no channel'));
        return;
      }
      this.#channel = channel;
      channel.on('data', (chunk: Buffer) => {
        if (!this.push(chunk)) channel.pause();
      });
      channel.once('end', () => this.push(null));
      channel.once('close', () => this.destroy());
      channel.on('error', (e: Error) => this.destroy(e));
      this.emit('connect');
    });
    return this;
  }

  override _read(): void {
    this.#channel?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (e?: Error | null) => void) {
    const channel = this.#channel;
    if (channel) {
      channel.write(chunk, callback);
      return;
    }
    // Written before the channel opened (pg waits for `connect`; others may not).
    this.once('connect', () => this.#channel!.write(chunk, callback));
  }

  override _final(callback: (e?: Error | null) => void): void {
    this.#channel?.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (e?: Error | null) => void): void {
    this.#channel?.destroy();
    callback(error);
  }
}
