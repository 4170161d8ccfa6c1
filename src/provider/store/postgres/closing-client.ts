// pg's Client, except that a connection that fails while it connects has its socket closed at
// once. pg leaves it open when the failure is its own, during authentication (the server asked for
// a password none was given, a SCRAM answer it could not make): the server keeps such a
// connection until its authentication_timeout (a minute by default), or for good when it is not
// PostgreSQL, and the socket keeps the event loop of a program that called startProvider alive.
import { Client } from 'pg';

export class ClosingClient extends Client {
  override connect(): Promise<void>;
  override connect(callback: (err: Error | undefined) => void): void;
  override connect(callback?: (err: Error | undefined) => void): Promise<void> | void {
    const closeOnFailure = (err: Error | undefined) => {
      if (err) this.connection.stream.destroy();
    };
    if (callback) {
      super.connect((err) => {
        closeOnFailure(err);
        callback(err);
      });
      return;
    }
    return super.connect().catch((err: Error) => {
      closeOnFailure(err);
      throw err;
    });
  }
}
