// One interactive sign-in at a time (src/extension/auth/sign-in-queue.ts): a sign-in asked for
// while a prompt of the queue's own (createSession's account pick) is on screen does not open over
// it; it opens once the pick has been answered, and the pick's answer stands.
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
});
