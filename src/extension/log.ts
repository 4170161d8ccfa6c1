// The "Tessera" LogOutputChannel, wrapped so that every message passes through redactTokens as a
// last line of defense (the code never logs a secret on purpose: no headers, no bodies, no tokens).
import * as vscode from 'vscode';
import { redactTokens } from '../shared/token-format';

const LOG_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

function redactArg(a: unknown): unknown {
  if (typeof a === 'string') return redactTokens(a);
  if (a instanceof Error) {
    const e = new Error(redactTokens(a.message));
    e.name = a.name;
    e.stack = a.stack ? redactTokens(a.stack) : undefined;
    return e;
  }
  if (a && typeof a === 'object') {
    try {
      return redactTokens(JSON.stringify(a));
    } catch {
      return '[object]';
    }
  }
  return a;
}

function redactingLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop === 'string' && LOG_METHODS.has(prop) && typeof value === 'function') {
        return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args.map(redactArg));
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export function createLog(): { log: vscode.LogOutputChannel; channel: vscode.LogOutputChannel } {
  const channel = vscode.window.createOutputChannel('Tessera', { log: true });
  return { channel, log: redactingLog(channel) };
}
