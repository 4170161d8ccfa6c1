// The header block a CGI program (git http-backend) writes before its body (RFC 3875 §6.3).

/** Finds the end of the CGI header block: the index just past "\r\n\r\n" or "\n\n", or -1. */
export function endOfHeaders(buf: Buffer): { headerEnd: number; bodyStart: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return undefined;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { headerEnd: crlf, bodyStart: crlf + 4 };
  return { headerEnd: lf, bodyStart: lf + 2 };
}

/** Parses the CGI header lines into a status and response headers (RFC 3875 §6.3). */
export function parseCgiHeaders(text: string): { status: number; reason?: string; headers: Array<[string, string]> } | undefined {
  let status = 200;
  let reason: string | undefined;
  const headers: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return undefined;
    if (name.toLowerCase() === 'status') {
      const m = /^(\d{3})(?:\s+(.*))?$/.exec(value);
      if (!m) return undefined;
      status = Number(m[1]);
      reason = m[2] || undefined;
    } else {
      headers.push([name, value]);
    }
  }
  return { status, reason, headers };
}
