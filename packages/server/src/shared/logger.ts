// Structured JSON-lines logging with a namespace (design example 9). One line per event on
// stdout: {"ts","level","ns","msg",...fields}. Callers pass ids (jobId, attemptId, requestId)
// as fields, never configuration values, so secrets cannot reach the log.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger for a sub-namespace ("server" → "server.http") with fields added to every line. */
  child(namespace: string, fields?: Record<string, unknown>): Logger;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  /** Lowest level written; defaults to PLATFORM_LOG_LEVEL or "info". */
  level?: LogLevel;
  write?: (line: string) => void;
}

/** Errors become {errorMessage, errorStack} so they survive JSON.stringify. */
function serializeField(value: unknown): unknown {
  return value instanceof Error ? { message: value.message, name: value.name, stack: value.stack } : value;
}

export function createLogger(namespace: string, options: LoggerOptions = {}, baseFields: Record<string, unknown> = {}): Logger {
  const minLevel = options.level ?? ((process.env.PLATFORM_LOG_LEVEL as LogLevel | undefined) ?? 'info');
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVEL_ORDER[level] < (LEVEL_ORDER[minLevel] ?? LEVEL_ORDER.info)) return;
    const entry: Record<string, unknown> = { ts: new Date().toISOString(), level, ns: namespace, msg, ...baseFields };
    for (const [k, v] of Object.entries(fields ?? {})) entry[k] = serializeField(v);
    write(JSON.stringify(entry));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (sub, fields) => createLogger(`${namespace}.${sub}`, options, { ...baseFields, ...fields }),
  };
}
