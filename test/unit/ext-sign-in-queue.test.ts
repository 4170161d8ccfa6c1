// One prompt or interactive sign-in at a time (src/extension/auth/sign-in-queue.ts): a sign-in asked
// for while a prompt (createSession's account pick) is on screen does not open over it; it opens once
// the pick has been answered, and the pick's answer stands. The prompts a flow on screen shows itself
// (a sign-in's steps, sudo's password then code) are its turn; any other waits until it has ended.
import * as assert from 'node:assert/strict';
import { SignInQueue } from '../../src/extension/auth/sign-in-queue';
import type { SignInOutcome } from '../../src/extension/auth/sign-in-ui';

/** A promise and the functions that settle it. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('extension: the sign-in queue', () => {
  it('a sign-in asked for while the account pick is on screen opens only once the pick is answered; the pick gets its own answer', async () => {
    const flows: (string | undefined)[] = [];
    const signedIn = deferred<SignInOutcome>();
    const queue = new SignInQueue((origin) => {
      flows.push(origin);
      return signedIn.promise;
    });
    const answer = deferred<string>();
    const picking = queue.prompt(() => answer.promise);
    const signingIn = queue.signIn();
    await tick();
    assert.deepEqual(flows, [], 'no sign-in opens over the pick');
    assert.equal(queue.current(), undefined, 'no sign-in is on screen');
    answer.resolve('the account picked');
    assert.equal(await picking, 'the account picked');
    await tick();
    assert.deepEqual(flows, [undefined], 'the sign-in opens once the pick was answered');
    signedIn.resolve({ kind: 'cancelled' });
    assert.deepEqual(await signingIn, { kind: 'cancelled' });
  });

  it('a pick cancelled (rejected) lets the waiting sign-in open; a pick asked for while a sign-in runs waits for it', async () => {
    const flows: (string | undefined)[] = [];
    const outcomes = [deferred<SignInOutcome>(), deferred<SignInOutcome>()];
    const queue = new SignInQueue((origin) => {
      flows.push(origin);
      return outcomes[flows.length - 1]!.promise;
    });
    const answer = deferred<string>();
    const picking = queue.prompt(() => answer.promise);
    const signingIn = queue.signIn('https://a.example');
    await tick();
    assert.deepEqual(flows, []);
    const cancelled = assert.rejects(picking, /Escape/);
    answer.reject(new Error('Escape'));
    await cancelled;
    await tick();
    assert.deepEqual(flows, ['https://a.example']);

    let asked = false;
    const second = queue.prompt(async () => {
      asked = true;
      return 'second';
    });
    await tick();
    assert.equal(asked, false, 'the pick waits for the sign-in on screen');
    outcomes[0]!.resolve({ kind: 'failed', reason: 'no' });
    assert.deepEqual(await signingIn, { kind: 'failed', reason: 'no' });
    assert.equal(await second, 'second');
    assert.equal(asked, true);
  });

  it('the prompts of the flow on screen open within its turn; a prompt from elsewhere opens once the whole flow has ended', async () => {
    const opened: string[] = [];
    const answers = { first: deferred<string>(), second: deferred<string>(), other: deferred<string>() };
    const queue = new SignInQueue(() => Promise.resolve({ kind: 'cancelled' }));
    const show = (name: keyof typeof answers) =>
      queue.prompt(() => {
        opened.push(name);
        return answers[name].promise;
      });
    // A flow of two steps (sudo's password, then its code): the second step is part of its turn.
    const flow = queue.prompt(async () => `${await show('first')} ${await show('second')}`);
    await tick();
    const other = show('other');
    await tick();
    assert.deepEqual(opened, ['first'], 'the other prompt waits for the flow');
    answers.first.resolve('password');
    await tick();
    assert.deepEqual(opened, ['first', 'second'], 'the flow goes on to its next step; the other prompt still waits');
    answers.second.resolve('code');
    assert.equal(await flow, 'password code');
    await tick();
    assert.deepEqual(opened, ['first', 'second', 'other']);
    answers.other.resolve('its own answer');
    assert.equal(await other, 'its own answer');
  });

  it("a sign-in's own prompts open within its turn; a prompt asked for meanwhile from elsewhere opens once the sign-in has ended", async () => {
    const opened: string[] = [];
    const login = deferred<string>();
    const pick = deferred<string>();
    const queue: SignInQueue = new SignInQueue(async () => {
      const who = await queue.prompt(() => {
        opened.push('login box');
        return login.promise;
      });
      return { kind: 'failed', reason: `no ${who}` };
    });
    const signingIn = queue.signIn('https://a.example');
    await tick();
    const picking = queue.prompt(() => {
      opened.push('git pick');
      return pick.promise;
    });
    await tick();
    assert.deepEqual(opened, ['login box'], 'the pick waits for the sign-in');
    login.resolve('alice');
    assert.deepEqual(await signingIn, { kind: 'failed', reason: 'no alice' });
    await tick();
    assert.deepEqual(opened, ['login box', 'git pick']);
    pick.resolve('fine-grained');
    assert.equal(await picking, 'fine-grained');
  });

  it('prompts asked for together open one at a time, in the order asked; waiting() counts those not on screen, and waitingChanged hears each count', async () => {
    const heard: number[] = [];
    const queue = new SignInQueue(() => Promise.resolve({ kind: 'cancelled' }), (n) => heard.push(n));
    const opened: number[] = [];
    const answers = [deferred<number>(), deferred<number>(), deferred<number>()];
    const asked = answers.map((a, i) =>
      queue.prompt(() => {
        opened.push(i);
        return a.promise;
      }),
    );
    const outcomes = Promise.allSettled(asked);
    await tick();
    assert.deepEqual(opened, [0]);
    assert.equal(queue.waiting(), 2);
    answers[0]!.resolve(0);
    await tick();
    assert.deepEqual(opened, [0, 1], 'one opens once the first has ended, not both');
    assert.equal(queue.waiting(), 1);
    answers[1]!.reject(new Error('Escape'));
    await tick();
    assert.deepEqual(opened, [0, 1, 2]);
    assert.equal(queue.waiting(), 0);
    answers[2]!.resolve(2);
    assert.deepEqual(await outcomes.then((r) => r.map((x) => x.status)), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(heard.at(-1), 0, 'told when none waits any more');
    assert.ok(heard.includes(2) && heard.includes(1), `told each count: ${heard.join(', ')}`);
  });
});
