import { get } from 'node:http';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { splice } from '@finance/testing';

/** A backend behind the balancer: a gateway replica on 127.0.0.1:<port>. */
export interface Backend {
  name: string;
  port: number;
}

/**
 * What a Kubernetes Service does in front of gateway replicas, small enough for a test: kube-proxy
 * balances TCP connections (not requests) round-robin over the endpoints that are ready, and the
 * endpoints follow each pod's readiness probe. Here: every `pollMs` each backend's GET /health/ready
 * is asked (200 = ready, anything else or no answer = not); a new connection goes to the next ready
 * backend and stays with it until one side closes it. Nothing is retried: a connection that cannot
 * be forwarded is closed, and the client sees the error. `backendOf(port)` names the backend a
 * client's connection (by its local port) went to.
 */
export class ServiceBalancer {
  readonly #server: Server;
  readonly #backends: Backend[];
  readonly #ready = new Set<string>();
  readonly #sockets = new Set<Socket>();
  readonly #routes = new Map<number, string>();
  #next = 0;
  #poller: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(server: Server, backends: Backend[]) {
    this.#server = server;
    this.#backends = backends;
  }

  static async start(backends: Backend[], pollMs = 100): Promise<ServiceBalancer> {
    const server = createServer();
    const balancer = new ServiceBalancer(server, backends);
    server.on('connection', (client) => balancer.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    await balancer.#poll(pollMs);
    const tick = () => {
      if (!balancer.#closed) balancer.#poller = setTimeout(() => void balancer.#poll(pollMs).then(tick), pollMs);
    };
    tick();
    return balancer;
  }

  get url(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('balancer is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Names of the backends ready at the last poll. */
  get ready(): string[] {
    return [...this.#ready];
  }

  /** The backend that a client connection, known by the client's local port, was sent to. */
  backendOf(clientPort: number): string | undefined {
    return this.#routes.get(clientPort);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#poller);
    this.#poller = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #poll(timeoutMs: number): Promise<void> {
    await Promise.all(
      this.#backends.map(async (backend) => {
        const ready = await probe(backend.port, timeoutMs);
        if (ready) this.#ready.add(backend.name);
        else this.#ready.delete(backend.name);
      }),
    );
  }

  #accept(client: Socket): void {
    const ready = this.#backends.filter((b) => this.#ready.has(b.name));
    if (!ready.length) {
      client.destroy();
      return;
    }
    const backend = ready[this.#next++ % ready.length]!;
    this.#routes.set(client.remotePort!, backend.name);
    // Closing one side closes the other, as a proxy that holds no requests of its own.
    splice(client, createConnection({ host: '127.0.0.1', port: backend.port }), this.#sockets);
  }
}

/** GET /health/ready → whether it answered 200 within `timeoutMs`. */
function probe(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health/ready', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
