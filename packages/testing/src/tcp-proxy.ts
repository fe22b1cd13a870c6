import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder on 127.0.0.1:<random port> to `targetHost:targetPort`, used to take a broker
 * (or database) away from a client and give it back. `cut()` destroys every live connection and
 * refuses new ones until `restore()`.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #cut = false;

  private constructor(
    server: Server,
    readonly targetHost: string,
    readonly targetPort: number,
  ) {
    this.#server = server;
  }

  /** Starts listening; resolves once the port is known. */
  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, targetHost, targetPort);
    server.on('connection', (client) => proxy.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** Starts a proxy in front of the host:port of a URL such as nats://127.0.0.1:4222. */
  static forUrl(url: string, defaultPort: number): Promise<TcpProxy> {
    const u = new URL(url.includes('://') ? url : `tcp://${url}`);
    return TcpProxy.start(u.hostname, u.port ? Number(u.port) : defaultPort);
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening');
    return address.port;
  }

  /** `scheme://127.0.0.1:<port>` */
  url(scheme = 'nats'): string {
    return `${scheme}://127.0.0.1:${this.port}`;
  }

  get isCut(): boolean {
    return this.#cut;
  }

  /** Simulates an outage: live connections are destroyed, new ones are closed on arrival. */
  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  /** Ends the outage: new connections are forwarded again. */
  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (this.#cut) {
      client.destroy();
      return;
    }
    splice(client, createConnection({ host: this.targetHost, port: this.targetPort }), this.#sockets);
  }
}

/**
 * Pipes `client` and `upstream` both ways, as a proxy that holds nothing of its own: an error or
 * close on one side closes the other. Both sockets stay in `open` until they close.
 */
export function splice(client: Socket, upstream: Socket, open: Set<Socket>): void {
  for (const [a, b] of [
    [client, upstream],
    [upstream, client],
  ] as const) {
    open.add(a);
    a.pipe(b);
    a.on('error', () => b.destroy());
    a.on('close', () => {
      open.delete(a);
      b.destroy();
    });
  }
}
