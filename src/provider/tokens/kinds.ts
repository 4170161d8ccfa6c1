// Per-kind rules for /user/personal-access-tokens: what a create/update request means for a
// classic or a fine-grained token. The routes are kind-agnostic and dispatch here.
import { classicKind } from './classic-kind';
import { fineGrainedKind } from './fine-grained-kind';
import type { TokenKindHandler } from './token-kind';

export const TOKEN_KINDS: Readonly<Record<'classic' | 'fine_grained', TokenKindHandler>> = {
  classic: classicKind,
  fine_grained: fineGrainedKind,
};
