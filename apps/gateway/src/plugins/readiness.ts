import type { FastifyInstance } from 'fastify';

// A gateway replica's part in a rolling restart (README "Graceful shutdown"). On SIGTERM main.ts
// drains it first: /health/ready answers 503 so Kubernetes takes the pod out of the Service's
// endpoints, while it goes on answering everything for SHUTDOWN_DRAIN_MS. kube-proxy balances
// connections, not requests, so a keep-alive client would stay pinned to this replica until its
// connection breaks: every answer sent while draining carries `Connection: close`, and the client's
// next request opens a connection that lands on another replica. Only then does fastify's close()
// stop accepting and wait for the requests in flight.

/** Whether this replica wants new work; `drain()` is one-way. */
export class Readiness {
  #draining = false;

  get ready(): boolean {
    return !this.#draining;
  }

  drain(): void {
    this.#draining = true;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Ready until drained (SIGTERM) or closed; /health/ready reports it. */
    readiness: Readiness;
  }
}

export function registerReadiness(app: FastifyInstance, readiness: Readiness): void {
  app.decorate('readiness', readiness);
  // onSend, not onRequest: a request that began before the drain and answers after it closes too.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!readiness.ready && reply.request.raw.httpVersionMajor === 1) reply.header('connection', 'close');
    done(null, payload);
  });
  // close() without a drain (tests, a second start failing) is not ready either.
  app.addHook('preClose', (done) => {
    readiness.drain();
    done();
  });
}
