import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** One JSON logger per process; children carry `request_id` so a request can be followed across services. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info', options: LoggerOptions = {}): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['password', 'current_password', '*.password', 'refresh_token', '*.refresh_token', 'req.headers.authorization'], censor: '[redacted]' },
    ...options,
  });
}
