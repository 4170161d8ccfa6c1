// Git in VS Code works with Tessera before any repository is set up, and only for Tessera's origins.
// Every git process this extension host starts (vscode.git's fetch right after "Add Remote…"
// included) inherits process.env, and git reads GIT_CONFIG_COUNT / GIT_CONFIG_KEY_<n> /
// GIT_CONFIG_VALUE_<n> as if given with `-c` (git 2.31+). For each Tessera origin Tessera puts
// there what the repository set-up (configure-repository.ts) writes for git elsewhere:
// `credential.<origin>.useHttpPath true` (so Tessera picks the token for the repository) and, when
// the provider has its own CA, `http.<origin>/.sslCAInfo <ca>`. GIT_SSL_CAINFO would override every
// sslCAInfo, so when VS Code started with it, the same file becomes `http.sslCAInfo` there (what
// every other host is checked against, as before) and GIT_SSL_CAINFO leaves this process's
// environment. No git config file is written; entries VS Code's own environment carried stay first.
// Once Tessera's credential helper runs (credential-helper/), each origin also gets
// `credential.<origin>.helper` '' (no other helper answers for it) and then that helper, which
// answers the username and password at once for the repository git asks about, and git's
// processes inherit what reaches the helper's server.
import type { RunningHelper } from './credential-helper/helper-server';
import { credentialUrlKey, httpUrlKey } from './remote-url';

export interface TesseraOrigin {
  readonly origin: string;
  /** An absolute path to the CA file git should trust for the origin (none: git's default trust). */
  readonly ca?: string;
}

interface Entry {
  readonly key: string;
  readonly value: string;
}

export class GitConfigEnvironment {
  /** GIT_CONFIG_COUNT and GIT_SSL_CAINFO as the process started with them. */
  private readonly originalCount: string | undefined;
  private readonly base: number;
  readonly originalSslCaInfo: string | undefined;
  private current: Entry[] = [];
  private origins: readonly TesseraOrigin[] = [];
  private helper: RunningHelper | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    this.originalCount = env.GIT_CONFIG_COUNT;
    const n = Number.parseInt(env.GIT_CONFIG_COUNT ?? '', 10);
    this.base = Number.isInteger(n) && n > 0 ? n : 0;
    this.originalSslCaInfo = env.GIT_SSL_CAINFO || undefined;
  }

  /** The entries Tessera set, as `key=value`. */
  describe(): string {
    return this.current.map((e) => `${e.key}=${e.value}`).join(' ');
  }

  /** Tessera's credential helper for every origin (undefined: none; git asks vscode.git's askpass). */
  setHelper(helper: RunningHelper | undefined): void {
    for (const k of Object.keys(this.helper?.env ?? {})) delete this.env[k];
    this.helper = helper;
    Object.assign(this.env, helper?.env ?? {});
    this.setOrigins(this.origins);
  }

  /** The entries for these origins (replacing what was set before); [] undoes it all. */
  setOrigins(origins: readonly TesseraOrigin[]): void {
    this.origins = origins;
    const entries: Entry[] = [];
    for (const o of origins) {
      entries.push({ key: credentialUrlKey(o.origin, 'useHttpPath'), value: 'true' });
      if (this.helper) {
        entries.push({ key: credentialUrlKey(o.origin, 'helper'), value: '' });
        entries.push({ key: credentialUrlKey(o.origin, 'helper'), value: this.helper.command });
      }
      if (o.ca) entries.push({ key: httpUrlKey(o.origin, 'sslCAInfo'), value: o.ca });
    }
    if (origins.some((o) => o.ca) && this.originalSslCaInfo) {
      entries.unshift({ key: 'http.sslCAInfo', value: this.originalSslCaInfo });
      delete this.env.GIT_SSL_CAINFO;
    } else if (this.originalSslCaInfo) {
      this.env.GIT_SSL_CAINFO = this.originalSslCaInfo;
    }
    this.setEntries(entries);
  }

  private setEntries(entries: Entry[]): void {
    for (let i = 0; i < this.current.length; i++) {
      delete this.env[`GIT_CONFIG_KEY_${this.base + i}`];
      delete this.env[`GIT_CONFIG_VALUE_${this.base + i}`];
    }
    entries.forEach((e, i) => {
      this.env[`GIT_CONFIG_KEY_${this.base + i}`] = e.key;
      this.env[`GIT_CONFIG_VALUE_${this.base + i}`] = e.value;
    });
    this.current = entries;
    if (entries.length) this.env.GIT_CONFIG_COUNT = String(this.base + entries.length);
    else if (this.originalCount === undefined) delete this.env.GIT_CONFIG_COUNT;
    else this.env.GIT_CONFIG_COUNT = this.originalCount;
  }
}
