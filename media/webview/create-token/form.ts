// The Create Token form's fields as the person typed them (kept in webview state across reloads),
// and the blank form. Pure data: request-body.ts builds the API request from it (unit-tested).

export type Kind = 'classic' | 'fine_grained';
export const EXPIRY_MODES = ['7', '30', '60', '90', 'custom', 'none'] as const;
export type ExpiryMode = (typeof EXPIRY_MODES)[number];

/** Whether `v` is one of the form's expiry choices (a saved form's may be anything). */
export function isExpiryMode(v: unknown): v is ExpiryMode {
  return (EXPIRY_MODES as readonly unknown[]).includes(v);
}
export type Selection = 'none' | 'all' | 'subset';

export interface Form {
  accountId: string;
  kind: Kind;
  name: string;
  description: string;
  expiry: ExpiryMode;
  customDate: string;
  scopes: string[];
  owner: string;
  selection: Selection;
  repos: string[]; // ids (repoKey) of the selected repositories
  repoFilter: string;
  permissions: Record<string, 'read' | 'write'>; // `${group}.${name}`
  justification: string;
}

export function blankForm(accountId: string): Form {
  return {
    accountId,
    kind: 'fine_grained',
    name: '',
    description: '',
    expiry: '30',
    customDate: '',
    scopes: [],
    owner: '',
    selection: 'none',
    repos: [],
    repoFilter: '',
    permissions: {},
    justification: '',
  };
}
