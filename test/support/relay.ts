import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of PostgreSQL or Redis. Cutting it closes every connection and
 * refuses new ones, which is what a restart of the service looks like to the app, without touching
 * the real service other test runs share. Stalling accepts connections and never answers.
 */
export class Relay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static to(url: string, defaultPort: number): Relay {
    const parsed = new URL(url);
    return new Relay({ host: parsed.hostname, port: Number(parsed.port || defaultPort) });
  }

  /** Listens (again, on the same port after the first time) and relays every connection. */
  async open(): Promise<number> {
    this.port = await this.listen((client) => {
      const upstream = createConnection(this.target);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
    });
    return this.port;
  }

  /** `url` with its port replaced by the relay's. */
  address(url: string): string {
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(this.port);
    return through.toString();
  }

  async stall(): Promise<void> {
    await this.cut();
    await this.listen(() => undefined);
  }

  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server?.listening ? this.server.close(() => resolve()) : resolve()));
  }

  private track(socket: Socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private async listen(onConnection: (client: Socket) => void): Promise<number> {
    const server = createServer((client) => {
      this.track(client);
      onConnection(client);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }
}
