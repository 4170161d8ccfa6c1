// What one exchange through git http-backend (http-backend.ts) came to: what the caller records
// and logs once the answer has gone out.
import type { GitService } from './git-service';

export interface GitHttpBackendResult {
  /** The HTTP status sent to the client (502 when git http-backend failed before answering). */
  status: number;
  service?: GitService;
  /** Request body bytes received from the client (as sent: compressed when gzip). */
  bytesIn: number;
  /** Response body bytes sent to the client (after the CGI headers). */
  bytesOut: number;
  /**
   * The client went away before the response was complete. The CGI was stopped (a push: its input
   * closed first), except a push whose whole body had arrived: git got all of it and ran to its end.
   */
  aborted: boolean;
  /** The whole request body went on to git's input (none of it lost to the client going away). */
  bodyDelivered: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The end of git's stderr (at most 8 KiB), for the server log. Never sent to the client. */
  stderr: string;
  /** The provider refused the request body on its way to git (git got none of it past that point). */
  refused: boolean;
  /**
   * A push: how many refs git reported it updated (push-report.ts); undefined when git sent no
   * report (the client asked for none) or the request is no push.
   */
  refsUpdated?: number;
}
