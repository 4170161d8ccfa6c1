// The three kinds of token and the prefix that tells them apart (`tsp_…` classic, `tsf_…`
// fine-grained, `tsa_…` an organization's account token).
export const TOKEN_PREFIXES = { classic: 'tsp_', fine_grained: 'tsf_', account: 'tsa_' } as const;
export type TokenKind = keyof typeof TOKEN_PREFIXES;
