// A TCP proxy in front of a test PostgreSQL server (node:net) that can fail connections the way
// networks do: silence one (a NAT or firewall that forgot it: nothing passes either way, and no
// FIN or RST arrives), or lose the answer to a statement the server has already run. Also a
// server that only asks for a password, and a port where nothing listens.
import * as net from 'node:net';

interface Pair {
  client: net.Socket;
  server: net.Socket;
  listens: boolean;
  silent: boolean;
  /** Set: the next data from the server is dropped and the client's socket closed. */
  loseAnswer: boolean;
}

export interface PostgresProxy {
  /** `url` (a database on the proxied server) with the proxy's port. */
  via(url: string): string;
  /** Whether an open connection that has sent LISTEN still passes data. */
  listening(): boolean;
  /** The local ports of the proxy's connections to the server for the open connections that sent LISTEN (pg_stat_activity's client_port). */
  listeningServerPorts(): number[];
  /** While on, a connection that sends LISTEN is closed at once (both ways), before the server sees it. */
  refuseListening(on: boolean): void;
  /** Silences every open connection that has sent LISTEN; answers how many. */
  silenceListening(): number;
  /**
   * The next connection to send `text` (a statement's SQL, sent when its connection prepares it)
   * passes it to the server, but the server's answer is dropped and the client's socket closed:
   * the statement ran, and the client only sees its connection end.
   */
  loseAnswerTo(text: string): void;
  /** Closes every connection and the proxy. */
  close(): Promise<void>;
}

export async function startPostgresProxy(targetPort: number): Promise<PostgresProxy> {
  const pairs: Pair[] = [];
  let loseAnswerTo: string | undefined;
  let refuseListening = false;
  const proxy = net.createServer((client) => {
    const server = net.connect(targetPort, '127.0.0.1');
    const pair: Pair = { client, server, listens: false, silent: false, loseAnswer: false };
    pairs.push(pair);
    client.on('data', (d) => {
      if (d.includes('LISTEN tessera_changes')) {
        if (refuseListening) {
          client.destroy();
          server.destroy();
          return;
        }
        pair.listens = true;
      }
      if (loseAnswerTo !== undefined && d.includes(loseAnswerTo)) {
        loseAnswerTo = undefined;
        pair.loseAnswer = true;
      }
      if (!pair.silent) server.write(d);
    });
    server.on('data', (d) => {
      if (pair.loseAnswer) {
        // The server answers once it has run (and, outside a transaction, committed) the statement.
        pair.silent = true;
        client.end();
      }
      if (!pair.silent) client.write(d);
    });
    client.on('error', () => undefined);
    server.on('error', () => undefined);
    client.on('close', () => server.destroy());
    server.on('close', () => {
      if (!pair.silent) client.destroy();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as net.AddressInfo).port;
  const live = () => pairs.filter((p) => p.listens && !p.silent && !p.client.destroyed);
  return {
    via: (url) => url.replace(/:\d+\//, `:${port}/`),
    listening: () => live().length > 0,
    listeningServerPorts: () => live().map((p) => p.server.localPort!),
    refuseListening(on) {
      refuseListening = on;
    },
    silenceListening() {
      const listening = live();
      for (const p of listening) p.silent = true;
      return listening.length;
    },
    loseAnswerTo(text) {
      loseAnswerTo = text;
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.server.destroy();
      }
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

/**
 * A server that asks every connection to authenticate with SCRAM-SHA-256, as PostgreSQL with
 * password authentication does, and goes no further (a client needs the password at the server's
 * first SCRAM message, the second it sends); it never closes a connection itself, so its open
 * connections are those the clients have not closed.
 */
export async function startPasswordAskingServer(): Promise<{ port: number; openConnections(): number; close(): Promise<void> }> {
  const authentication = (kind: number, data: string) => {
    const head = Buffer.alloc(9);
    head.write('R', 0);
    head.writeInt32BE(8 + Buffer.byteLength(data), 1);
    head.writeInt32BE(kind, 5);
    return Buffer.concat([head, Buffer.from(data)]);
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let messages = 0;
    socket.on('data', () => {
      messages += 1;
      if (messages === 1) socket.write(authentication(10, 'SCRAM-SHA-256\0\0')); // AuthenticationSASL
      if (messages === 2) socket.write(authentication(11, 'r=nonce,s=c2FsdA==,i=4096')); // AuthenticationSASLContinue
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    openConnections: () => sockets.size,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port where nothing listens (one just freed). */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
