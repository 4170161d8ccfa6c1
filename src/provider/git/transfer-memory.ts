// Keeps the resident memory of large git transfers small. Every socket or pipe read allocates a
// fresh Buffer; the bridge passes it on at once, but V8 frees that memory only when it collects
// the small JS wrappers, which it may postpone until ~64 MiB of such external memory has piled up
// (its external-allocation soft limit). Every STEP bytes streamed, the bridge asks for a
// young-generation collection (a scavenge, about a millisecond), which frees the chunks already
// written out. Without a usable gc function nothing happens: memory is still bounded, only larger.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const STEP = 16 * 1024 * 1024;

type GcFunction = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;
let gc: GcFunction | null | undefined;

function minorGc(): void {
  if (gc === undefined) {
    try {
      if (typeof (globalThis as { gc?: unknown }).gc === 'function') {
        gc = (globalThis as unknown as { gc: GcFunction }).gc;
      } else {
        setFlagsFromString('--expose-gc');
        gc = runInNewContext('gc') as GcFunction;
      }
    } catch {
      gc = null;
    }
  }
  gc?.({ type: 'minor' });
}

/** Counts the bytes of one transfer and collects the young generation every 16 MiB. */
export class TransferMemoryGuard {
  private sinceLastGc = 0;

  add(bytes: number): void {
    this.sinceLastGc += bytes;
    if (this.sinceLastGc >= STEP) {
      this.sinceLastGc = 0;
      minorGc();
    }
  }
}
