import type { Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Readiness } from '../health/health.module.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * On SIGTERM or SIGINT: declare the process not ready, answer every request already sent, stop
 * accepting connections, then run
 * Nest's shutdown (queues, pools) and exit. Nest's own shutdown hooks would close the queues
 * before the HTTP server, and closing the listening socket at once resets the connections still
 * in its backlog.
 */
export function shutDownGracefully(app: INestApplication, { lingerMs = 1000, drainTimeoutMs = 10_000 } = {}): void {
  const server = app.getHttpServer() as Server;
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  // A WebSocket is closed by Socket.IO in app.close(), telling its client to reconnect elsewhere.
  server.on('upgrade', (_req, socket: Socket) => open.delete(socket));

  async function drain(): Promise<void> {
    server.prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
    // Closing the listening socket resets the connections still waiting in its backlog: clients
    // that had already sent a request. Until the load balancer has stopped sending, keep accepting.
    await sleep(lingerMs);
    NetServer.prototype.close.call(server);
    const deadline = Date.now() + drainTimeoutMs;
    while (open.size && Date.now() < deadline) {
      server.closeIdleConnections();
      await sleep(50);
    }
    server.closeAllConnections();
  }

  const onSignal = (signal: NodeJS.Signals) => {
    app.get(Readiness).drain(); // /health/ready answers 503 while the load balancer still sends
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    void drain()
      .then(() => app.close())
      .finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
