// Holding requests on the real request path, after authorization and before the handler (a
// preHandler hook, installed through startInProcessProvider's `routes`), so that a test can make
// two requests overlap for certain: hold one, do the other, let the first go.
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Requests held by RequestHolds.hold: how many got there, and what lets them go. */
export interface HeldRequests {
  readonly arrived: number;
  /** Lets the held requests go on, and holds no more (safe to call twice). */
  release(): void;
}

export class RequestHolds {
  private current: { matches: (request: FastifyRequest) => boolean; arrived: number; released: Promise<void> } | undefined;

  /** The hook to pass in startInProcessProvider's `routes`. */
  readonly install = (app: FastifyInstance): void => {
    app.addHook('preHandler', async (request) => {
      const h = this.current;
      if (!h || !h.matches(request)) return;
      h.arrived++;
      await h.released;
    });
  };

  /** Holds the requests `matches` picks (replacing any earlier hold) until `release()`. */
  hold(matches: (request: FastifyRequest) => boolean): HeldRequests {
    let release!: () => void;
    const state = { matches, arrived: 0, released: new Promise<void>((r) => (release = r)) };
    this.current = state;
    return {
      get arrived() {
        return state.arrived;
      },
      release: () => {
        if (this.current === state) this.current = undefined;
        release();
      },
    };
  }
}

/**
 * Sends the request `send` makes, holds it once it is authorized (`matches` picks it), runs
 * `meanwhile` while it is held, then lets it go: its answer, and what `meanwhile` returned.
 */
export async function answerAfter<A, M>(
  holds: RequestHolds,
  matches: (request: FastifyRequest) => boolean,
  send: () => Promise<A>,
  meanwhile: () => Promise<M>,
): Promise<{ answer: A; during: M }> {
  const h = holds.hold(matches);
  try {
    const answering = send();
    await until(() => h.arrived === 1);
    const during = await meanwhile();
    h.release();
    return { answer: await answering, during };
  } finally {
    h.release();
  }
}

/** Resolves once `condition()` holds (checked every few milliseconds; the test's timeout bounds it). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
