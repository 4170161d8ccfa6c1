// The part of node-postgres (`pg`, which ships no type declarations) the PostgreSQL store uses.
declare module 'pg' {
  export interface QueryResult<R = Record<string, unknown>> {
    rows: R[];
    rowCount: number | null;
  }

  export interface ClientConfig {
    connectionString?: string;
    /** Extra server settings sent at connection start, e.g. `-c name=value`. */
    options?: string;
    application_name?: string;
    connectionTimeoutMillis?: number;
    statement_timeout?: number;
    lock_timeout?: number;
    keepAlive?: boolean;
    /** Idle time before the first TCP keepalive probe (default: the system's, often two hours). */
    keepAliveInitialDelayMillis?: number;
    /** A statement not answered within this time fails with "Query read timeout" (client side). */
    query_timeout?: number;
  }

  export interface PoolConfig extends ClientConfig {
    max?: number;
    idleTimeoutMillis?: number;
    /** The class of the pool's connections (default Client). */
    Client?: typeof Client;
  }

  export interface Notification {
    processId: number;
    channel: string;
    payload?: string;
  }

  /** A query by object; `name` makes it a prepared statement of each connection it runs on. */
  export interface QueryConfig {
    name?: string;
    text: string;
    values?: unknown[];
  }

  interface Queryable {
    query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
    query<R = Record<string, unknown>>(config: QueryConfig): Promise<QueryResult<R>>;
  }

  export class Client implements Queryable {
    constructor(config?: ClientConfig | string);
    /** Where it connects, as pg read the configuration: a host name, an address, or a unix socket's folder. */
    readonly host: string;
    readonly port: number;
    readonly database: string | undefined;
    /** The wire connection; its socket is `stream`. */
    readonly connection: { stream: { destroy(): void } };
    connect(): Promise<void>;
    /** How the pool connects its clients. */
    connect(callback: (err: Error | undefined) => void): void;
    query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
    query<R = Record<string, unknown>>(config: QueryConfig): Promise<QueryResult<R>>;
    end(): Promise<void>;
    on(event: 'notification', listener: (msg: Notification) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'end', listener: () => void): this;
  }

  export interface PoolClient extends Queryable {
    release(err?: Error | boolean): void;
    /** A checked-out client's connection error (none is listened for by the pool meanwhile: unheard, it is thrown). */
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'end', listener: () => void): this;
    removeListener(event: 'error' | 'end', listener: (err?: Error) => void): this;
  }

  export class Pool implements Queryable {
    constructor(config?: PoolConfig);
    connect(): Promise<PoolClient>;
    query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
    query<R = Record<string, unknown>>(config: QueryConfig): Promise<QueryResult<R>>;
    end(): Promise<void>;
    on(event: 'error', listener: (err: Error, client: PoolClient) => void): this;
    readonly totalCount: number;
    readonly idleCount: number;
    readonly waitingCount: number;
  }
}
