import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { startApp, testDatabaseUrl, type RunningApp } from './support/harness.js';

/**
 * A TCP relay in front of PostgreSQL that the test can cut (connections refused) or stall (accepted,
 * never answered), to make the database unreachable for the app alone.
 */
class Relay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  open(port = 0): Promise<number> {
    return this.listen(port, (client) => {
      const upstream = createConnection(this.target);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
    });
  }

  async stall(port: number): Promise<void> {
    await this.cut();
    await this.listen(port, () => undefined);
  }

  private track(socket: Socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private async listen(port: number, onConnection: (client: Socket) => void): Promise<number> {
    const server = createServer((client) => {
      this.track(client);
      onConnection(client);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('/health', () => {
  const database = new URL(testDatabaseUrl());
  const relay = new Relay({ host: database.hostname, port: Number(database.port || 5432) });
  let port: number;
  let api: RunningApp;

  beforeAll(async () => {
    port = await relay.open();
    const throughRelay = new URL(database);
    throughRelay.port = String(port);
    api = await startApp(undefined, { env: { DATABASE_URL: throughRelay.toString() } });
  });
  afterAll(async () => {
    await relay.cut();
    await api?.close();
  });

  it('answers 200 while PostgreSQL and Redis answer', async () => {
    const res = await request(api.url).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, redis: { status: 'up' } } });
  });

  const databaseDown = { status: 'error', error: { database: { status: 'down' } }, details: { redis: { status: 'up' } } };

  it('answers 503 naming the database when PostgreSQL refuses connections, and recovers', async () => {
    await relay.cut();
    const res = await request(api.url).get('/health').timeout(10_000).expect(503);
    expect(res.body).toMatchObject(databaseDown);

    await relay.open(port);
    await request(api.url).get('/health').timeout(10_000).expect(200);
  });

  it('answers 503 instead of hanging when PostgreSQL accepts but never answers', async () => {
    await relay.stall(port);
    const res = await request(api.url).get('/health').timeout(10_000).expect(503);
    expect(res.body).toMatchObject(databaseDown);
  });
});
