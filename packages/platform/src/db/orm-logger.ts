import type { LogContext, Logger as OrmLogger, LoggerNamespace } from '@mikro-orm/core';
import type { Logger } from 'pino';

/**
 * Routes MikroORM's log lines into the service's pino logger. SQL is logged at `trace` only, so
 * turning on query logging is `LOG_LEVEL=trace`, not a code change. Without a pino logger the ORM
 * stays silent (tests).
 */
export class PinoOrmLogger implements OrmLogger {
  #debugMode: boolean | LoggerNamespace[];

  constructor(private readonly logger: Logger | undefined) {
    this.#debugMode = logger?.isLevelEnabled('trace') ? ['query', 'query-params'] : false;
  }

  log(namespace: string, message: string, context?: LogContext): void {
    if (!this.logger) return;
    if (context?.level === 'error') return this.error(namespace, message, context);
    if (context?.level === 'warning') return this.warn(namespace, message, context);
    // MikroORM forces `enabled: true` on the lines it always wants shown (applied migrations).
    if (context?.enabled === true) this.logger.info({ orm: namespace }, clean(message));
    else if (this.isEnabled(namespace as LoggerNamespace, context)) this.logger.debug({ orm: namespace }, clean(message));
  }

  error(namespace: string, message: string, _context?: LogContext): void {
    this.logger?.error({ orm: namespace }, clean(message));
  }

  warn(namespace: string, message: string, _context?: LogContext): void {
    this.logger?.warn({ orm: namespace }, clean(message));
  }

  logQuery(context: LogContext): void {
    if (!this.logger?.isLevelEnabled('trace') || context.enabled === false) return;
    this.logger.trace({ orm: 'query', sql: context.query, params: context.params, took_ms: context.took, affected: context.affected }, 'sql');
  }

  setDebugMode(debugMode: boolean | LoggerNamespace[]): void {
    this.#debugMode = debugMode;
  }

  isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    if (!this.logger) return false;
    if (context?.enabled !== undefined) return context.enabled;
    if (namespace === 'deprecated') return true;
    const mode = context?.debugMode ?? this.#debugMode;
    return Array.isArray(mode) ? mode.includes(namespace) : mode;
  }
}

const clean = (message: string): string => message.replace(/\s+/g, ' ').trim();
