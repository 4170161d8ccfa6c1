// The provider's log callback, wrapped so no Authorization value or token-shaped string ever
// reaches it, and so a line below the level the callback keeps is never built nor redacted.
import { redactTokens } from '../shared/token-format';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** A line, or what builds it: built only when the sink keeps lines of its level. */
export type LogMessage = string | (() => string);
export type Logger = (level: LogLevel, message: LogMessage) => void;
/** Where the provider's lines go: each line built and redacted. */
export type LogSink = (level: LogLevel, message: string) => void;
/** The lowest level a sink keeps: fixed, or asked at each line (a sink whose level can change). */
export type LogThreshold = LogLevel | (() => LogLevel);

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

const AUTH_HEADER = /(authorization|x-github-otp|cookie)(["']?\s*[:=]\s*["']?)([^"'\r\n,}]+)/gi;
const BASIC_OR_BEARER = /\b(basic|bearer|token)\s+[A-Za-z0-9+/=._~-]{8,}/gi;

export function redactSecrets(text: string): string {
  return redactTokens(text).replace(AUTH_HEADER, '$1$2[redacted]').replace(BASIC_OR_BEARER, '$1 [redacted]');
}

export function redactingLogger(sink?: LogSink, keeps: LogThreshold = 'debug'): Logger {
  if (!sink) return () => {};
  return (level, message) => {
    try {
      if (RANK[level] < RANK[typeof keeps === 'function' ? keeps() : keeps]) return;
      sink(level, redactSecrets(typeof message === 'function' ? message() : message));
    } catch {
      // A failing log sink must never take a request down.
    }
  };
}
