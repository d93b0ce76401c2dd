import path from 'node:path';

/** Everything read from the environment, read once, so the rest of the code never touches process.env. */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  sandboxPaymentSecret: string;
  logLevel: string;
  /** How long a stopping server waits for requests and background work in flight before closing the database anyway. */
  shutdownTimeoutMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.SIYU_DATA_DIR ?? '.siyu'),
    port: intFrom(env.PORT, 3000),
    host: env.HOST ?? '127.0.0.1',
    sandboxPaymentSecret: env.SIYU_SANDBOX_PAY_SECRET ?? 'siyu-sandbox-secret',
    logLevel: env.LOG_LEVEL ?? 'info',
    shutdownTimeoutMs: intFrom(env.SIYU_SHUTDOWN_TIMEOUT_MS, 10_000),
  };
}

function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got ${value}`);
  return n;
}
