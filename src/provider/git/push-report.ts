// What git receive-pack reported to the client about a push: the report-status it sends when the
// client asks for one (as every git client does), read on its way out, inside the side band when
// the client asked for one ("unpack ok", then per ref "ok <ref>" or "ng <ref> <reason>";
// report-status-v2 adds "option" lines). Only a ref reported "ok" was updated: a push whose every
// update git refused (a hidden ref, a non-fast-forward the repository refuses, a failed object
// check) updated nothing.
import { PktLine, PktLineScanner } from './pkt-line';

/** The side band that carries the report (band 2 is progress, 3 a fatal error). */
const DATA_BAND = 1;

export class PushReportReader {
  private readonly outer = new PktLineScanner();
  private readonly inner = new PktLineScanner();
  private sideBand: boolean | undefined;
  private unpackSeen = false;
  private updated = 0;

  /** Feeds the next bytes of git's answer (after the CGI headers). */
  read(chunk: Buffer): void {
    if (this.outer.invalid) return;
    this.outer.scan(chunk, (line) => {
      if (line.kind !== 'data' || line.payload.length === 0) return;
      // The report's first line is "unpack …"; on a side band every line starts with its band number.
      this.sideBand ??= line.payload[0] <= 3;
      if (!this.sideBand) this.reportLine(line);
      else if (line.payload[0] === DATA_BAND && !this.inner.invalid) this.inner.scan(line.payload.subarray(1), (l) => this.reportLine(l));
    });
  }

  /** How many refs git reported updated; undefined when git sent no report (the client asked for none, or it was cut). */
  get refsUpdated(): number | undefined {
    return this.unpackSeen ? this.updated : undefined;
  }

  private reportLine(line: PktLine): void {
    if (line.kind !== 'data') return;
    const text = line.payload.toString('latin1');
    if (text.startsWith('unpack ')) this.unpackSeen = true;
    else if (this.unpackSeen && text.startsWith('ok ')) this.updated++;
  }
}
