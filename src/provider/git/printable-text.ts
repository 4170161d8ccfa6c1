// Text the provider builds for a terminal — the refusal git prints as "remote: …", the server log's
// copy of git's stderr — may hold pieces a client chose (a repository path, a service name, a
// token's note, an owner's reason). Control characters in it would reach the terminal as they are:
// an ESC sequence recolours or clears the screen, a CR overwrites the line with text that seems
// to be git's own. Here they become visible escapes (`\x1b`, `\u202e`); line breaks and tabs
// become spaces, or stay line breaks where the text may span lines.

/** C0 (but LF, CR and TAB, handled apart), DEL, C1, and the Unicode bidirectional overrides and isolates. */
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with no character a terminal would act on. `lines: 'join'` (the default) makes it one
 * line; `'keep'` keeps its line breaks (CRLF becomes LF; a lone CR is escaped).
 */
export function printableText(text: string, lines: 'join' | 'keep' = 'join'): string {
  const breaks = lines === 'join' ? text.replace(/\r\n|[\r\n\t]/g, ' ') : text.replace(/\r\n/g, '\n').replace(/\t/g, ' ').replace(/\r/g, escape);
  return breaks.replace(UNPRINTABLE, escape);
}
