// One interactive sign-in at a time. VS Code shows one quick input at a time, so a second sign-in
// (the Sign In command, another extension's createSession, git asking for credentials) would
// replace the prompt on screen, and the person's own sign-in would end as if they had pressed
// Escape. A sign-in asked for while one runs waits for it instead: one for the same provider (or
// for none named) shares its outcome; one for another provider opens once it has ended, unless it
// ended signed in there.
import type { SignInOutcome } from './sign-in-ui';

type SignInFlow = (origin?: string) => Promise<SignInOutcome>;

interface Running {
  /** The provider it was asked for (undefined: the person picks one). */
  readonly origin: string | undefined;
  readonly outcome: Promise<SignInOutcome>;
}

export class SignInQueue {
  private running: Running | undefined;

  constructor(private readonly flow: SignInFlow) {}

  /** The sign-in on screen now, if any: how it ends. */
  current(): Promise<SignInOutcome> | undefined {
    return this.running?.outcome;
  }

  /** Signs in at `origin` (or a provider the person picks), after or together with the one on screen. */
  async signIn(origin?: string): Promise<SignInOutcome> {
    for (;;) {
      const r = this.running;
      if (!r) break;
      if (origin === undefined || r.origin === origin) return r.outcome;
      const outcome = await r.outcome;
      if (outcome.kind === 'signed-in' && outcome.account.providerOrigin === origin) return outcome;
      if (this.running === r) this.running = undefined;
    }
    const outcome = this.flow(origin);
    const running: Running = { origin, outcome };
    this.running = running;
    try {
      return await outcome;
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }
}
