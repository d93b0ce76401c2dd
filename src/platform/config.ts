import path from 'node:path';

/** Everything read from the environment, read once, so the rest of the code never touches process.env. */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  /** Where this server is reached from outside, e.g. by the sandbox payment provider's callbacks; unset: the address it listens on. */
  publicUrl: string | undefined;
  logLevel: string;
  /** Where JSON logs go: a file path, '-' for stdout, or unset for the default (a file under the data directory when started from a terminal, stdout otherwise). */
  logFile: string | undefined;
  /** Jobs one process runs at once. */
  jobsConcurrency: number;
  /** How often idle workers look for delayed or retried jobs, and how often periodic work (order expiry) runs. */
  jobsPollMs: number;
  /** Idempotency keys older than this are pruned daily; at least 24 h so a client's retry the next day still replays. */
  idempotencyRetentionHours: number;
  /** How long a stopping server waits for requests and background work in flight before closing the database anyway. */
  shutdownTimeoutMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.SIYU_DATA_DIR ?? '.siyu'),
    port: intFrom(env.PORT, 3000),
    host: env.HOST ?? '127.0.0.1',
    publicUrl: env.SIYU_PUBLIC_URL ? baseUrlFrom(env.SIYU_PUBLIC_URL) : undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    logFile: env.SIYU_LOG_FILE || undefined,
    jobsConcurrency: Math.max(1, intFrom(env.SIYU_JOBS_CONCURRENCY, 8)),
    jobsPollMs: Math.max(10, intFrom(env.SIYU_JOBS_POLL_MS, 500)),
    idempotencyRetentionHours: atLeast(24, intFrom(env.SIYU_IDEMPOTENCY_RETENTION_HOURS, 48), 'SIYU_IDEMPOTENCY_RETENTION_HOURS'),
    shutdownTimeoutMs: intFrom(env.SIYU_SHUTDOWN_TIMEOUT_MS, 10_000),
  };
}

function baseUrlFrom(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`SIYU_PUBLIC_URL: expected an http(s) URL, got ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`SIYU_PUBLIC_URL: expected an http(s) URL, got ${value}`);
  return value.replace(/\/+$/, '');
}

function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got ${value}`);
  return n;
}

function atLeast(min: number, n: number, name: string): number {
  if (n < min) throw new Error(`${name} must be at least ${min}, got ${n}`);
  return n;
}
