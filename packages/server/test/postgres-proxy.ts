// A TCP proxy in front of PostgreSQL, for the suites that disturb what passes between a server and its database:
// it accepts on a free loopback port, opens one upstream connection per client, and leaves what happens to the
// bytes each way to the subclass.
import { connect, createServer, type Server, type Socket } from 'node:net';

export abstract class PostgresProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: URL) {
    this.server = createServer((client) => this.accept(client));
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port));
    });
  }

  close(): void {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
  }

  /** Passes the bytes of one client connection and its upstream both ways, and ends each with the other. */
  protected abstract relay(client: Socket, upstream: Socket): void;

  private accept(client: Socket): void {
    const upstream = connect(Number(this.target.port), this.target.hostname);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      // A connection a test cuts errors on the other side; that is the point, not a failure.
      socket.on('error', () => undefined);
    }
    this.relay(client, upstream);
  }
}
