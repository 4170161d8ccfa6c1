// The webview side of ../../src/extension/webviews/protocol.ts: call a method on the extension and
// await its one reply; receive init/update pushes; keep non-secret UI state with setState.
import type { FromWebview, ToWebview, WebviewError } from '../../../src/shared/webview-protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
let nextId = 1;
const pending = new Map<number, { method: string; resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
const initHandlers: ((data: unknown) => void)[] = [];
const updateHandlers: ((data: unknown) => void)[] = [];
const replyHandlers: ((method: string, error: WebviewError | undefined) => void)[] = [];

export class CallError extends Error {
  constructor(readonly error: WebviewError) {
    super(error.message);
  }
  get kind(): string {
    return this.error.kind;
  }
  get fieldErrors() {
    return this.error.fieldErrors;
  }
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  const m = ev.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'reply') {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    for (const h of replyHandlers) h(p.method, m.ok ? undefined : m.error);
    if (m.ok) p.resolve(m.result);
    else p.reject(new CallError(m.error));
  } else if (m.type === 'init') {
    for (const h of initHandlers) h(m.data);
  } else if (m.type === 'update') {
    for (const h of updateHandlers) h(m.data);
  }
});

export function call<T>(method: string, params?: unknown): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
    api.postMessage({ type: 'call', id, method, params });
  });
}

export function onInit<T>(h: (data: T) => void): void {
  initHandlers.push(h as (data: unknown) => void);
}

/** Every reply to a call, before its caller sees it: the method, and the error (undefined when the call succeeded). */
export function onReply(h: (method: string, error: WebviewError | undefined) => void): void {
  replyHandlers.push(h);
}

export function onUpdate<T>(h: (data: T) => void): void {
  updateHandlers.push(h as (data: unknown) => void);
}

// Make any CSP violation loud (tests watch the console for it).
document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});

/** Tell the extension the script is listening (it answers with init). */
export function ready(): void {
  console.info(`tessera-webview ready: ${document.title}`);
  api.postMessage({ type: 'ready' });
}

/** UI state that survives the webview being hidden or reloaded. Never put a secret in here. */
export function getState<T>(): T | undefined {
  return (api.getState() as T | undefined) ?? undefined;
}

export function setState<T>(s: T): void {
  api.setState(s);
}

export function messageOf(err: unknown): string {
  if (err instanceof CallError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
