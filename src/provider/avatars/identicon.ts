// Generated avatars: every account's `avatar_url` points at /avatars/u/{id} (users) or
// /avatars/o/{id} (organizations), where the provider draws a GitHub-style identicon — a 5×5 grid,
// mirrored left to right, in one colour — from a digest of the account's kind and id. Nothing is
// stored and no account is looked up: the same id always gives the same picture. GitHub's `s`
// (GraphQL's avatarUrl(size:)) sets the picture's width and height in pixels.
import { createHash } from 'node:crypto';
import type { ProviderContext } from '../context';

export type AvatarKind = 'u' | 'o';

export function avatarUrl(ctx: ProviderContext, kind: AvatarKind, id: number): string {
  return `${ctx.origin}/avatars/${kind}/${id}`;
}

/** The sizes an avatar is drawn at (`s`, in pixels). */
export const AVATAR_SIZES = { min: 1, max: 4096 } as const;

/** `url` (an avatarUrl) for a picture `size` pixels wide, as GitHub's `?s=`; a size out of range is brought into it, none leaves the URL as it is. */
export function sizedAvatarUrl(url: string, size: unknown): string {
  if (typeof size !== 'number') return url;
  return `${url}?s=${Math.min(AVATAR_SIZES.max, Math.max(AVATAR_SIZES.min, Math.trunc(size)))}`;
}

const GRID = 5;
const CELL = 70;
const MARGIN = 35;
const SIZE = GRID * CELL + 2 * MARGIN;

/** The identicon of account `id` of `kind`, as an SVG document, `size` pixels wide (its own size when not given). */
export function identiconSvg(kind: AvatarKind, id: number, size: number = SIZE): string {
  const digest = createHash('sha256').update(`tessera-avatar:${kind}:${id}`).digest();
  const hue = Math.round((digest.readUInt16BE(0) / 0xffff) * 360);
  const saturation = 45 + (digest[2] % 20);
  const lightness = 45 + (digest[3] % 15);
  const cells: string[] = [];
  for (let row = 0; row < GRID; row++) {
    for (let col = 0; col < Math.ceil(GRID / 2); col++) {
      const bit = row * Math.ceil(GRID / 2) + col;
      if (((digest[4 + (bit >> 3)] >> (bit & 7)) & 1) === 0) continue;
      for (const c of new Set([col, GRID - 1 - col])) cells.push(`<rect x="${MARGIN + c * CELL}" y="${MARGIN + row * CELL}" width="${CELL}" height="${CELL}"/>`);
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${SIZE} ${SIZE}">` +
    `<rect width="${SIZE}" height="${SIZE}" fill="#f0f0f0"/>` +
    `<g fill="hsl(${hue},${saturation}%,${lightness}%)">${cells.join('')}</g></svg>`
  );
}
