// git's pkt-line framing (gitprotocol-common): four hex digits giving the line's length, its own
// four included, then the payload; `0000` (flush), `0001` (delim) and `0002` (response end) carry
// none. Read here incrementally from a stream's chunks, and written for the answers the provider
// makes itself.

/** The most bytes one pkt-line may hold, its length digits included (git's LARGE_PACKET_MAX). */
const MAX_PKT_LINE = 65520;

export type PktLine = { kind: 'data'; payload: Buffer } | { kind: 'special'; code: number };

/**
 * Splits a stream of pkt-lines as its chunks come: `scan` calls `onLine` for each line the chunk
 * completes, stops after a line it answers `false` to, and returns how many of the chunk's bytes
 * it read. Once the stream holds something that is no pkt-line, `invalid` is set and nothing more
 * is read.
 */
export class PktLineScanner {
  private digits = '';
  private parts: Buffer[] = [];
  private left = 0;
  invalid = false;

  scan(chunk: Buffer, onLine: (line: PktLine) => boolean | void): number {
    let i = 0;
    while (i < chunk.length && !this.invalid) {
      let line: PktLine | undefined;
      if (this.left > 0) {
        const n = Math.min(this.left, chunk.length - i);
        this.parts.push(chunk.subarray(i, i + n));
        this.left -= n;
        i += n;
        if (this.left > 0) continue;
        line = { kind: 'data', payload: Buffer.concat(this.parts) };
        this.parts = [];
      } else {
        this.digits += String.fromCharCode(chunk[i++]);
        if (this.digits.length < 4) continue;
        const length = /^[0-9a-f]{4}$/i.test(this.digits) ? parseInt(this.digits, 16) : -1;
        this.digits = '';
        if (length >= 0 && length <= 2) line = { kind: 'special', code: length };
        else if (length === 4) line = { kind: 'data', payload: Buffer.alloc(0) };
        else if (length > 4 && length <= MAX_PKT_LINE) this.left = length - 4;
        else this.invalid = true;
      }
      if (line && onLine(line) === false) break;
    }
    return i;
  }
}

/** One pkt-line holding `payload`. */
export function pktLine(payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0')), body]);
}

export const FLUSH_PKT = Buffer.from('0000');
