// @octokit/rest against a test provider: quiet (no console output on 4xx), and the status of a
// call whether it succeeded or failed.
import { Octokit } from '@octokit/rest';
import type { TestProvider } from './provider';

const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

export function octokitFor(t: TestProvider, token: string): Octokit {
  return new Octokit({ auth: token, baseUrl: t.provider.apiUrl, log: quietLog });
}

/** The HTTP status a call answered: its response's on success, the RequestError's on failure. */
export async function statusOf(call: Promise<{ status: number }>): Promise<number> {
  try {
    return (await call).status;
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    if (typeof status !== 'number') throw err;
    return status;
  }
}
