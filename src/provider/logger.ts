// The provider's log callback, wrapped so no Authorization value or token-shaped string ever
// reaches it.
import { redactTokens } from '../shared/token-format';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

const AUTH_HEADER = /(authorization|x-github-otp|cookie)(["']?\s*[:=]\s*["']?)([^"'\r\n,}]+)/gi;
const BASIC_OR_BEARER = /\b(basic|bearer|token)\s+[A-Za-z0-9+/=._~-]{8,}/gi;

export function redactSecrets(text: string): string {
  return redactTokens(text).replace(AUTH_HEADER, '$1$2[redacted]').replace(BASIC_OR_BEARER, '$1 [redacted]');
}

export function redactingLogger(sink?: Logger): Logger {
  if (!sink) return () => {};
  return (level, message) => {
    try {
      sink(level, redactSecrets(message));
    } catch {
      // A failing log sink must never take a request down.
    }
  };
}
