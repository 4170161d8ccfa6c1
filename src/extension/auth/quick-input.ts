// One step of a multi-step QuickInput flow that stays open while its answer is checked: Enter runs
// `accept` (the box shows busy), an error is shown under the box and the user can fix and retry;
// Escape or focus loss resolves `undefined` (cancelled: callers show nothing). A Back button
// resolves BACK. An answer whose check ends after the step did goes to `abandoned`. The prompt on screen is readable (shownPrompt) so that extension-host tests, which
// cannot see the workbench, answer it as a person would through the workbench's own commands.
// Every prompt of the extension (input boxes, single and multi-select picks) goes through these
// helpers: each is readable and answerable that way, and Escape resolves undefined everywhere.
// Each takes a turn (inOneTurn, the sign-in queue's): VS Code shows one quick input at a time, and
// one shown over another would end it as if Escape had been pressed.
import * as vscode from 'vscode';
import { TesseraError } from '../services';

type TakeTurn = <T>(flow: () => Promise<T>) => Promise<T>;

const noQueue: TakeTurn = (flow) => flow();
let takeTurn: TakeTurn = noQueue;

/** From now on (until disposed) every prompt here waits for its turn through `turns` (SignInQueue.prompt). */
export function takeTurnsThrough(turns: TakeTurn): vscode.Disposable {
  takeTurn = turns;
  return new vscode.Disposable(() => {
    if (takeTurn === turns) takeTurn = noQueue;
  });
}

/**
 * Runs `flow` once no other prompt (or sign-in) of the extension is on screen; the prompts it shows
 * are its own turn, and the others asked for meanwhile open once it has ended. Every prompt here is
 * one turn; a flow of several (sudo's password then code, an expiry pick then its date box) is one
 * too, so that nothing opens between its steps. `flow` must not wait for the person elsewhere (a
 * notification's button): the prompts asked for meanwhile would wait with it.
 */
export function inOneTurn<T>(flow: () => Promise<T>): Promise<T> {
  return takeTurn(flow);
}

/** The prompt on screen: what it asks and the error under it. */
export interface ShownPrompt {
  readonly kind: 'input' | 'pick';
  readonly title: string;
  /** The input box's prompt, or the pick's placeholder. */
  readonly prompt: string;
  readonly message: string | undefined;
  /** The answer is being checked. */
  readonly busy: boolean;
  /**
   * The workbench shows it, ready for Enter: a single pick once the workbench has said which of its
   * items is active (Enter takes that one; the workbench says so when it shows the items); an input
   * box or a multi-select pick at once (the workbench takes the extension's changes and commands in
   * the order they were sent, so what is typed or checked next reaches it after the prompt).
   */
  readonly onScreen: boolean;
  /** Puts text in the input box, as typed (nothing for a pick). */
  type(text: string): void;
  /** A pick's items (their labels; none for an input box). */
  readonly items: readonly string[];
  /**
   * Marks the items with these labels: checks them in a multi-select pick, makes the first one
   * active in a single pick (nothing for an input box). Resolves once the change was sent to the
   * workbench (the extension host sends a quick input's changes on its next turn).
   */
  choose(labels: readonly string[]): Promise<void>;
}

let shown: ShownPrompt | undefined;

/** The newest prompt of these helpers still on screen. */
export function shownPrompt(): ShownPrompt | undefined {
  return shown;
}

function showing(p: ShownPrompt): () => void {
  shown = p;
  return () => {
    if (shown === p) shown = undefined;
  };
}

export const BACK = Symbol('back');

export type StepResult<T> = { readonly done: T } | { readonly error: string; readonly clear?: boolean } | { readonly back: true };

export interface StepButton<T> {
  readonly button: vscode.QuickInputButton;
  /** Called when clicked; may change the box (prompt, placeholder) and may finish the step. */
  onClick(box: vscode.InputBox): StepResult<T> | void;
}

interface InputStep<T> {
  readonly title: string;
  readonly step?: number;
  readonly totalSteps?: number;
  readonly prompt: string;
  readonly placeholder?: string;
  readonly password?: boolean;
  readonly value?: string;
  readonly back?: boolean;
  readonly buttons?: readonly StepButton<T>[];
  /** Instant check of the text (shown while typing). */
  readonly validate?: (value: string) => string | undefined;
  /** Runs on Enter; the box stays open and busy until it answers. */
  readonly accept: (value: string, box: vscode.InputBox) => Promise<StepResult<T>> | StepResult<T>;
  /** An error to show when the step opens (e.g. after going back to fix a field). */
  readonly initialError?: string;
  /**
   * Gets what `accept` finished with when the step had already ended meanwhile (Escape or Back
   * while the answer was checked): nobody takes it, so undo what it made.
   */
  readonly abandoned?: (late: T) => void;
}

export function inputStep<T>(opts: InputStep<T>): Promise<T | typeof BACK | undefined> {
  return inOneTurn(() => openInputStep(opts));
}

function openInputStep<T>(opts: InputStep<T>): Promise<T | typeof BACK | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = opts.title;
    if (opts.step !== undefined) box.step = opts.step;
    if (opts.totalSteps !== undefined) box.totalSteps = opts.totalSteps;
    box.prompt = opts.prompt;
    box.placeholder = opts.placeholder;
    box.password = opts.password ?? false;
    box.value = opts.value ?? '';
    box.ignoreFocusOut = true;
    box.buttons = [...(opts.back ? [vscode.QuickInputButtons.Back] : []), ...(opts.buttons ?? []).map((b) => b.button)];
    if (opts.initialError) box.validationMessage = opts.initialError;
    let finished = false;
    let running = false;
    const disposables: vscode.Disposable[] = [];
    const gone = showing({
      kind: 'input',
      title: opts.title,
      get prompt() {
        return box.prompt ?? '';
      },
      get message() {
        return typeof box.validationMessage === 'string' ? box.validationMessage : box.validationMessage?.message;
      },
      get busy() {
        return box.busy;
      },
      onScreen: true,
      type: (text) => {
        box.value = text;
      },
      items: [],
      choose: async () => undefined,
    });
    const finish = (v: T | typeof BACK | undefined) => {
      if (finished) return;
      finished = true;
      gone();
      resolve(v);
      box.hide();
      for (const d of disposables) d.dispose();
      box.dispose();
    };
    const handle = (r: StepResult<T> | void) => {
      if (!r) return;
      if ('done' in r) finish(r.done);
      else if ('back' in r) finish(BACK);
      else {
        box.validationMessage = r.error;
        if (r.clear) box.value = '';
      }
    };
    disposables.push(
      box.onDidChangeValue((v) => {
        if (!running) box.validationMessage = opts.validate?.(v);
      }),
      box.onDidAccept(async () => {
        if (running || finished) return;
        const value = box.value;
        const invalid = opts.validate?.(value);
        if (invalid) {
          box.validationMessage = invalid;
          return;
        }
        running = true;
        box.busy = true;
        box.enabled = false;
        try {
          const r = await opts.accept(value, box);
          if (finished && r && 'done' in r) opts.abandoned?.(r.done);
          handle(r);
        } catch (err) {
          if (err instanceof TesseraError && err.kind === 'cancelled') return finish(undefined);
          box.validationMessage = err instanceof Error ? err.message : String(err);
        } finally {
          running = false;
          if (!finished) {
            box.busy = false;
            box.enabled = true;
          }
        }
      }),
      box.onDidTriggerButton((b) => {
        if (b === vscode.QuickInputButtons.Back) return finish(BACK);
        const sb = opts.buttons?.find((x) => x.button === b);
        if (sb) handle(sb.onClick(box));
      }),
      box.onDidHide(() => finish(undefined)),
    );
    box.show();
  });
}

/** A question for one line of text that the provider checks once it is answered. */
export interface TextQuestion {
  readonly title: string;
  readonly prompt: string;
  readonly placeholder?: string;
  /** Instant check of the text (shown while typing). */
  readonly validate?: (value: string) => string | undefined;
}

/** The failures that what was typed can outlive: the box opens again with the text and the reason. */
const KEEP_TYPING: ReadonlySet<TesseraError['kind']> = new Set(['validation', 'not-found', 'forbidden', 'locked', 'provider-down', 'network', 'server']);
const TRY_AGAIN: ReadonlySet<TesseraError['kind']> = new Set(['locked', 'provider-down', 'network', 'server']);

/** The sign-in ended while the person answered: Enter in the box signs in again (at that provider) first. */
interface EndedSignIn {
  readonly origin: string | undefined;
  /** The account whose sign-in ended, when known: only its sign-in mends the call. */
  readonly account: { readonly id: string; readonly login: string } | undefined;
}

/**
 * The sign-in command (it shows its own errors): 'again' when it signed the ended account in,
 * undefined when cancelled or failed, or the login of another user it signed in instead.
 */
async function signInAgain(ended: EndedSignIn): Promise<'again' | { other: string } | undefined> {
  const signedIn = await vscode.commands.executeCommand<{ id?: unknown; login?: unknown } | undefined>('tessera.signIn', ...(ended.origin ? [{ origin: ended.origin }] : []));
  if (!signedIn) return undefined;
  if (ended.account && signedIn.id !== ended.account.id) return { other: String(signedIn.login) };
  return 'again';
}

/**
 * Asks for a text and hands it to `use` (which may ask more, then calls the provider). When the
 * provider refuses it or cannot be reached, the box opens again with what was typed and the reason
 * under it (Enter tries again, Escape gives up): nothing typed is lost. When the sign-in ended
 * meanwhile (its token revoked, deleted or expired), the box opens again too: Enter signs in again
 * and then goes on with what was typed (what `use` keeps of its own answers, it offers again).
 * Anything else (a cancelled prompt, an unexpected error) propagates to the command's error display.
 * Undefined when the person presses Escape in the box.
 */
export async function askThenUse<T>(question: TextQuestion, use: (value: string) => Promise<T>): Promise<T | undefined> {
  let value = '';
  let error: string | undefined;
  let ended: EndedSignIn | undefined;
  for (;;) {
    const typed = await inputStep<string>({ ...question, value, ...(error ? { initialError: error } : {}), accept: (v) => ({ done: v }) });
    if (typed === undefined || typed === BACK) return undefined;
    value = typed;
    if (ended) {
      const again = await signInAgain(ended);
      // A sign-in that is cancelled or fails (it said why) leaves the box as it was.
      if (!again) continue;
      // Signed in as another user: the call would fail the same way; say so instead of trying it.
      if (again !== 'again') {
        error = `You signed in as ${again.other}, but this needs ${ended.account!.login}'s sign-in, which ended. Press Enter to sign in as ${ended.account!.login}.`;
        continue;
      }
    }
    ended = undefined;
    try {
      return await use(typed);
    } catch (err) {
      if (!(err instanceof TesseraError) || (!KEEP_TYPING.has(err.kind) && err.kind !== 'signed-out')) throw err;
      if (err.kind === 'signed-out') {
        ended = { origin: err.providerOrigin, account: err.details.account };
        error = `${err.message} Press Enter to sign in; then this goes on with what you typed.`;
      } else error = TRY_AGAIN.has(err.kind) ? `${err.message} Press Enter to try again.` : err.message;
    }
  }
}

/** One line of text, asked in a box that is readable like every prompt here; undefined when cancelled. */
export async function askText(question: TextQuestion & { readonly value?: string }): Promise<string | undefined> {
  const typed = await inputStep<string>({ ...question, accept: (v) => ({ done: v }) });
  return typed === BACK ? undefined : typed;
}

export interface PickItem<T> extends vscode.QuickPickItem {
  readonly value: T;
}

export interface PickOptions {
  readonly placeholder?: string;
  /** The filter matches the items' descriptions too. */
  readonly matchOnDescription?: boolean;
}

/** A quick pick (in its turn) that is readable and answerable as every prompt here; undefined when cancelled (Escape). */
function showPick<T>(title: string, items: readonly PickItem<T>[], opts: PickOptions, many: boolean): Promise<readonly PickItem<T>[] | undefined> {
  return inOneTurn(() => openPick(title, items, opts, many));
}

function openPick<T>(title: string, items: readonly PickItem<T>[], opts: PickOptions, many: boolean): Promise<readonly PickItem<T>[] | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<PickItem<T>>();
    qp.title = title;
    qp.placeholder = opts.placeholder;
    qp.ignoreFocusOut = true;
    qp.canSelectMany = many;
    qp.matchOnDescription = opts.matchOnDescription ?? false;
    qp.items = items;
    let finished = false;
    let activeSaid = false;
    const disposables: vscode.Disposable[] = [];
    const gone = showing({
      kind: 'pick',
      title,
      prompt: opts.placeholder ?? '',
      message: undefined,
      busy: false,
      get onScreen() {
        return many || activeSaid || !items.length;
      },
      type: () => undefined,
      items: items.map((i) => i.label),
      choose: async (labels) => {
        const chosen = items.filter((i) => labels.includes(i.label));
        if (many) qp.selectedItems = chosen;
        else qp.activeItems = chosen.slice(0, 1);
        await new Promise((r) => setTimeout(r, 0));
      },
    });
    const finish = (v: readonly PickItem<T>[] | undefined) => {
      if (finished) return;
      finished = true;
      gone();
      resolve(v);
      qp.hide();
      for (const d of disposables) d.dispose();
      qp.dispose();
    };
    disposables.push(
      qp.onDidChangeActive(() => {
        activeSaid = true;
      }),
      qp.onDidAccept(() => {
        if (many) return finish([...qp.selectedItems]);
        const one = qp.selectedItems[0] ?? qp.activeItems[0];
        // Enter while the filter matches nothing: the pick stays.
        if (one) finish([one]);
      }),
      qp.onDidHide(() => finish(undefined)),
    );
    qp.show();
  });
}

/** A quick pick; undefined when cancelled. */
export async function pick<T>(title: string, items: readonly PickItem<T>[], placeholder?: string, opts: Omit<PickOptions, 'placeholder'> = {}): Promise<T | undefined> {
  return (await showPick(title, items, { ...opts, placeholder }, false))?.[0]?.value;
}

/** A multi-select quick pick; undefined when cancelled or when nothing was checked. */
export async function pickMany<T>(title: string, items: readonly PickItem<T>[], placeholder?: string): Promise<T[] | undefined> {
  const picked = await showPick(title, items, { placeholder }, true);
  return picked?.length ? picked.map((p) => p.value) : undefined;
}
