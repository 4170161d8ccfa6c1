// The test builders' choice of a TOTP step on real time (the extension's embedded provider): the
// code must still be accepted when the provider reads it, after prompts and a password check. The
// provider accepts step s while its own step is s - 1 to s + 1 (auth/totp.ts).
import * as assert from 'node:assert/strict';
import { PROOF_TIME_MS, stepForProof } from '../builders/totp';

const STEP_MS = 30_000;
/** The provider's steps that accept a code of step `s`. */
const acceptedDuring = (s: number) => [s - 1, s, s + 1];
const stepAt = (ms: number) => Math.floor(ms / STEP_MS);

describe('test builders: the TOTP step of a proof on real time', () => {
  const start = 1_000 * STEP_MS; // a step boundary

  it('at every moment of a step, the code chosen is still accepted PROOF_TIME_MS later (a code of the previous step chosen as the step ends would be refused)', () => {
    for (let into = 0; into < STEP_MS; into += 500) {
      const now = start + into;
      for (const after of [undefined, stepAt(now) - 2, stepAt(now) - 1, stepAt(now)]) {
        const step = stepForProof(now, after);
        assert.ok(step !== undefined, `a step at +${into} ms after ${after}`);
        assert.ok(step > (after ?? -Infinity), 'never a step used before');
        assert.ok(acceptedDuring(step).includes(stepAt(now)), `accepted now (+${into} ms)`);
        assert.ok(acceptedDuring(step).includes(stepAt(now + PROOF_TIME_MS)), `step ${step} chosen at +${into} ms (after ${after}) is refused ${PROOF_TIME_MS} ms later`);
      }
    }
  });

  it('uses the previous step early in a step (three proofs before one has to wait), and none once the next step was used', () => {
    assert.equal(stepForProof(start + 1_000, undefined), stepAt(start) - 1);
    assert.equal(stepForProof(start + 1_000, stepAt(start) - 1), stepAt(start));
    assert.equal(stepForProof(start + 1_000, stepAt(start)), stepAt(start) + 1);
    assert.equal(stepForProof(start + 1_000, stepAt(start) + 1), undefined, 'all used: the next code waits for the next step');
  });
});
