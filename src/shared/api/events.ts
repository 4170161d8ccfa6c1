// GET /-/events: the signed-in user's change stream (Server-Sent Events). Authenticated with a
// token like any API call. The stream sends `ready` once, then `changed` whenever something the
// user's views show may have changed (any committed write, by any process or replica, and the
// last use of one of the user's tokens), at most a few times a second, with `:` heartbeat
// comments between. It ends when the token stops working (deleted, revoked, expired).
// What it tells a user about others' activity (when some write happened, nothing more) is weighed
// in docs/security.md, "What the change stream tells".

export const EVENTS_PATH = '/-/events';

/** The `event:` names the stream sends. */
export type ChangeEventName = 'ready' | 'changed';

/** The `data:` of every event: a sequence number that grows with each event of this stream. */
export interface ChangeEventJson {
  seq: number;
}
