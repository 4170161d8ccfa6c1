// Fine-grained tokens (tsf_). The fine-grained tokens issue replaces this with the real rules
// (resource owner, repository selection, permission catalog, policy caps, approvals).
import { invalidField } from '../http/errors';
import type { TokenKindHandler } from './kinds';

export const fineGrainedKind: TokenKindHandler = {
  async create() {
    throw invalidField('kind', 'fine-grained tokens are not available on this provider yet');
  },
  async update() {
    throw invalidField('kind', 'fine-grained tokens are not available on this provider yet');
  },
  async regenerateExpiry() {
    throw invalidField('kind', 'fine-grained tokens are not available on this provider yet');
  },
};
