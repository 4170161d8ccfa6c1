// One of Tessera's quick inputs at a time. VS Code shows one quick input at a time, so a second one
// shown while another is open would replace it: the first ends as if Escape had been pressed (what
// was typed in it is lost; git waiting on a pick gets no token). Every prompt of the extension
// (quick-input.ts: input boxes, picks) and every interactive sign-in therefore takes a turn here.
//
// A turn is a whole flow: a sign-in (provider, login, password, code), a multi-step prompt (sudo's
// password and code, sign-up, an expiry pick and its date box) or a single pick or box. Prompts the
// flow on screen shows itself (they run inside its turn: AsyncLocalStorage follows its awaits) are
// part of it; any other one waits until the flow has ended. A sign-in asked for while a sign-in runs
// waits for it too: one for the same provider (or for none named) shares its outcome; one for
// another provider opens once it has ended, unless it ended signed in there.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SignInOutcome } from './sign-in-ui';

type SignInFlow = (origin?: string) => Promise<SignInOutcome>;

interface RunningSignIn {
  readonly kind: 'sign-in';
  /** What the code of its flow runs with (AsyncLocalStorage). */
  readonly key: object;
  /** The provider it was asked for (undefined: the person picks one). */
  readonly origin: string | undefined;
  readonly outcome: Promise<SignInOutcome>;
}

interface RunningPrompt {
  readonly kind: 'prompt';
  readonly key: object;
  /** Settles once the prompt (or flow of prompts) has ended, however it ended. */
  readonly ended: Promise<void>;
}

type Turn = RunningSignIn | RunningPrompt;

export class SignInQueue {
  private running: Turn | undefined;
  /** Prompts and sign-ins waiting for the one on screen to end. */
  private queued = 0;
  /** The key of the turn whose flow the current code runs in, if any. */
  private readonly within = new AsyncLocalStorage<object>();

  /** `waitingChanged` hears how many wait each time that changes (the status bar says they do). */
  constructor(
    private readonly flow: SignInFlow,
    private readonly waitingChanged?: (waiting: number) => void,
  ) {}

  private wait(delta: 1 | -1): void {
    this.queued += delta;
    this.waitingChanged?.(this.queued);
  }

  /** How many prompts and sign-ins wait for the one on screen to end. */
  waiting(): number {
    return this.queued;
  }

  /** The sign-in on screen now, if any: how it ends. */
  current(): Promise<SignInOutcome> | undefined {
    return this.running?.kind === 'sign-in' ? this.running.outcome : undefined;
  }

  /**
   * Runs `ask` (one prompt, or a flow of them) once nothing else of the queue is on screen; prompts
   * and sign-ins asked for meanwhile wait until it has ended. Asked from within the turn on screen
   * (a step of its own flow), `ask` runs at once as part of it.
   */
  async prompt<T>(ask: () => Promise<T>): Promise<T> {
    if (this.inTurn()) return ask();
    this.wait(1);
    try {
      while (this.running) await this.settled(this.running);
    } finally {
      this.wait(-1);
    }
    // Nothing runs: the turn is taken before anything else gets to run (no await until then).
    let ended!: () => void;
    const running: RunningPrompt = { kind: 'prompt', key: {}, ended: new Promise<void>((r) => (ended = r)) };
    this.running = running;
    try {
      return await this.within.run(running.key, ask);
    } finally {
      if (this.running === running) this.running = undefined;
      ended();
    }
  }

  /** Signs in at `origin` (or a provider the person picks), after or together with the one on screen. */
  async signIn(origin?: string): Promise<SignInOutcome> {
    // Asked by the flow on screen itself: its sign-in is a step of its turn.
    if (this.inTurn()) return this.flow(origin);
    this.wait(1);
    try {
      for (;;) {
        const r = this.running;
        if (!r) break;
        if (r.kind === 'prompt') {
          await this.settled(r);
          continue;
        }
        if (origin === undefined || r.origin === origin) return await r.outcome;
        const outcome = await r.outcome;
        if (outcome.kind === 'signed-in' && outcome.account.providerOrigin === origin) return outcome;
        if (this.running === r) this.running = undefined;
      }
    } finally {
      this.wait(-1);
    }
    // The turn is the queue's before the flow starts: its first prompt opens synchronously.
    const key = {};
    let started!: (o: Promise<SignInOutcome>) => void;
    const running: RunningSignIn = { kind: 'sign-in', key, origin, outcome: new Promise((r) => (started = r)) };
    void running.outcome.catch(() => undefined); // the caller below gets a failure
    this.running = running;
    const outcome = this.within.run(key, () => this.flow(origin));
    started(outcome);
    try {
      return await outcome;
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  /** Whether the caller runs within the flow of the turn on screen. */
  private inTurn(): boolean {
    return this.running !== undefined && this.within.getStore() === this.running.key;
  }

  /** Waits until `r` has ended (however it ended) and is no longer the one running. */
  private async settled(r: Turn): Promise<void> {
    await (r.kind === 'prompt' ? r.ended : r.outcome).catch(() => undefined);
    if (this.running === r) this.running = undefined;
  }
}
