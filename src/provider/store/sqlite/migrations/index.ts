// The ordered list of migrations. Append new ones at the end (next version number); never edit
// or reorder one that has shipped.
import type { Migration } from '../migrate';
import { m001Core } from './001-core';
import { m002Organizations } from './002-organizations';
import { m003DataKey } from './003-data-key';
import { m004SignInAttempts } from './004-sign-in-attempts';
import { m005RateLimits } from './005-rate-limits';
import { m006Profiles } from './006-profiles';
import { m007OAuthDeviceFlow } from './007-oauth-device-flow';
import { m010OAuthWebFlow } from './010-oauth-web-flow';
import { m011TokenNameIndex } from './011-token-name-index';
import { m012TokenListIndex } from './012-token-list-index';
import { m014RateLimitBlocks } from './014-rate-limit-blocks';
import { m015SignInLoginDigests } from './015-sign-in-login-digests';

export const MIGRATIONS: readonly Migration[] = [
  m001Core,
  m002Organizations,
  m003DataKey,
  m004SignInAttempts,
  m005RateLimits,
  m006Profiles,
  m007OAuthDeviceFlow,
  m010OAuthWebFlow,
  m011TokenNameIndex,
  m012TokenListIndex,
  m014RateLimitBlocks,
  m015SignInLoginDigests,
];
