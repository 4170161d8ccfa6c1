// One interactive sign-in at a time. VS Code shows one quick input at a time, so a second sign-in
// (the Sign In command, another extension's createSession, git asking for credentials) would
// replace the prompt on screen, and the person's own sign-in would end as if they had pressed
// Escape. A sign-in asked for while one runs waits for it instead: one for the same provider (or
// for none named) shares its outcome; one for another provider opens once it has ended, unless it
// ended signed in there. A prompt that leads to a sign-in (createSession's account pick) or that
// opens without the person asking for it (git's token picks while git waits) takes a turn too: a
// sign-in asked for while it is on screen opens once it has been answered.
import type { SignInOutcome } from './sign-in-ui';

type SignInFlow = (origin?: string) => Promise<SignInOutcome>;

interface RunningSignIn {
  readonly kind: 'sign-in';
  /** The provider it was asked for (undefined: the person picks one). */
  readonly origin: string | undefined;
  readonly outcome: Promise<SignInOutcome>;
}

interface RunningPrompt {
  readonly kind: 'prompt';
  readonly answered: Promise<unknown>;
}

export class SignInQueue {
  private running: RunningSignIn | RunningPrompt | undefined;

  constructor(private readonly flow: SignInFlow) {}

  /** The sign-in on screen now, if any: how it ends. */
  current(): Promise<SignInOutcome> | undefined {
    return this.running?.kind === 'sign-in' ? this.running.outcome : undefined;
  }

  /**
   * Shows `ask` (a prompt of the queue's own, such as the account pick before a new session) once
   * nothing else of the queue is on screen; sign-ins asked for meanwhile wait until it is answered.
   */
  async prompt<T>(ask: () => Promise<T>): Promise<T> {
    while (this.running) await this.settled(this.running);
    const answered = ask();
    const running: RunningPrompt = { kind: 'prompt', answered };
    this.running = running;
    try {
      return await answered;
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  /** Signs in at `origin` (or a provider the person picks), after or together with the one on screen. */
  async signIn(origin?: string): Promise<SignInOutcome> {
    for (;;) {
      const r = this.running;
      if (!r) break;
      if (r.kind === 'prompt') {
        await this.settled(r);
        continue;
      }
      if (origin === undefined || r.origin === origin) return r.outcome;
      const outcome = await r.outcome;
      if (outcome.kind === 'signed-in' && outcome.account.providerOrigin === origin) return outcome;
      if (this.running === r) this.running = undefined;
    }
    const outcome = this.flow(origin);
    const running: RunningSignIn = { kind: 'sign-in', origin, outcome };
    this.running = running;
    try {
      return await outcome;
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  /** Waits until `r` has ended (however it ended) and is no longer the one running. */
  private async settled(r: RunningSignIn | RunningPrompt): Promise<void> {
    await (r.kind === 'prompt' ? r.answered : r.outcome).catch(() => undefined);
    if (this.running === r) this.running = undefined;
  }
}
