import path from 'node:path';
import type { StorageConfig } from './storage/storage.js';

/** Everything read from the environment, read once, so the rest of the code never touches process.env. */
export type Mode = 'sandbox' | 'live';

/**
 * The published stand-in for SIYU_SECRET_KEY: fine for the sandbox, where nothing real is at
 * stake, and refused by live mode, where it would let anyone who read the source forge or read secrets.
 */
export const SANDBOX_SECRET_KEY = 'siyu-sandbox-secret-key-published-in-the-source-never-for-live';

export interface Config {
  /**
   * sandbox: simulated providers (payments, SMS), demo data, shortcuts such as the phone-only shop
   * session; live: real providers only, every secret set. Unset means sandbox, which `siyu start`
   * accepts only for the embedded database: on DATABASE_URL it must be chosen explicitly.
   */
  mode: Mode;
  /** Whether SIYU_MODE was set, rather than defaulted to sandbox. */
  modeExplicit: boolean;
  /**
   * SIYU_SECRET_KEY: the key from which the server derives its own keys — encryption of provider
   * credentials stored in the database, and the keyed hash of one-time codes. Live mode requires it.
   */
  secretKey: string;
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  /** Where this server is reached from outside, e.g. by the sandbox payment provider's callbacks; unset: the address it listens on. */
  publicUrl: string | undefined;
  logLevel: string;
  /**
   * SIYU_TRUST_PROXY: whom to believe about the client's address (X-Forwarded-For), as Fastify's
   * trustProxy: unset trusts nobody; `true` every hop; a number that many hops; otherwise a comma
   * list of addresses or CIDRs. Per-address throttles (one-time codes) count what this yields.
   */
  trustProxy: boolean | number | string[];
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
  limits: LimitsConfig;
  /**
   * Where uploaded files go: SIYU_STORAGE=local (default: `files/` under the data directory) or
   * s3 with SIYU_S3_BUCKET, SIYU_S3_ACCESS_KEY_ID, SIYU_S3_SECRET_ACCESS_KEY and optionally
   * SIYU_S3_ENDPOINT (any S3-compatible store), SIYU_S3_REGION, SIYU_S3_FORCE_PATH_STYLE,
   * SIYU_S3_PUBLIC_URL (a CDN or public bucket URL; unset, the server serves the objects itself).
   */
  storage: StorageConfig;
  /** SIYU_IMAGE_MAX_BYTES: the largest image upload accepted (default 8 MiB); larger answers 413. */
  imageMaxBytes: number;
}

/** A number of requests allowed per client address in a window. */
export interface RateLimit { max: number; windowMs: number }

/**
 * Limits against guessing and flooding. Per-address request limits can be switched off or scaled
 * (benchmarks drive many clients from one loopback address); the lockouts kept in the database —
 * an account after repeated wrong passwords, an order's pickup code after repeated wrong codes —
 * cannot be switched off, only tuned.
 */
export interface LimitsConfig {
  /** SIYU_RATE_LIMITS=off turns off the per-address limits below (never the lockouts). */
  perAddress: boolean;
  /** SIYU_RATE_LIMIT_SCALE multiplies every per-address `max`. */
  scale: number;
  login: RateLimit;
  shopSession: RateLimit;
  /** Code requests per address, on top of the database's own per-phone and per-address throttle. */
  otp: RateLimit;
  pickup: RateLimit;
  cashier: RateLimit;
  /** Wrong passwords in a row that lock an account (SIYU_LOGIN_MAX_FAILURES, at least 1). */
  loginMaxFailures: number;
  /** Wrong passwords from one address, across accounts, that lock the address (SIYU_LOGIN_ADDRESS_MAX_FAILURES; a per-address limit). */
  loginAddressMaxFailures: number;
  /** The first lock; each further failure doubles it up to loginLockMaxSeconds. */
  loginLockSeconds: number;
  loginLockMaxSeconds: number;
  /** Wrong pickup codes in a row that lock an order's code verification, and for how long. */
  pickupMaxFailures: number;
  pickupLockSeconds: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = modeFrom(env.SIYU_MODE);
  const config: Config = {
    mode,
    modeExplicit: Boolean(env.SIYU_MODE),
    secretKey: env.SIYU_SECRET_KEY || SANDBOX_SECRET_KEY,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.SIYU_DATA_DIR ?? '.siyu'),
    port: intFrom(env.PORT, 3000),
    host: env.HOST ?? '127.0.0.1',
    publicUrl: env.SIYU_PUBLIC_URL ? baseUrlFrom(env.SIYU_PUBLIC_URL) : undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: trustProxyFrom(env.SIYU_TRUST_PROXY),
    logFile: env.SIYU_LOG_FILE || undefined,
    jobsConcurrency: Math.max(1, intFrom(env.SIYU_JOBS_CONCURRENCY, 8)),
    jobsPollMs: Math.max(10, intFrom(env.SIYU_JOBS_POLL_MS, 500)),
    idempotencyRetentionHours: atLeast(24, intFrom(env.SIYU_IDEMPOTENCY_RETENTION_HOURS, 48), 'SIYU_IDEMPOTENCY_RETENTION_HOURS'),
    shutdownTimeoutMs: intFrom(env.SIYU_SHUTDOWN_TIMEOUT_MS, 10_000),
    limits: limitsFrom(env),
    storage: storageFrom(env),
    imageMaxBytes: atLeast(1024, intFrom(env.SIYU_IMAGE_MAX_BYTES, 8 * 1024 * 1024), 'SIYU_IMAGE_MAX_BYTES'),
  };
  if (mode === 'live') refuseDefaultSecrets(env);
  return config;
}

function storageFrom(env: NodeJS.ProcessEnv): StorageConfig {
  const kind = env.SIYU_STORAGE || 'local';
  const dataDir = path.resolve(env.SIYU_DATA_DIR ?? '.siyu');
  if (kind === 'local') return { kind, dir: path.resolve(env.SIYU_STORAGE_DIR ?? path.join(dataDir, 'files')) };
  if (kind !== 's3') throw new Error(`SIYU_STORAGE: expected local or s3, got ${kind}`);
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`SIYU_STORAGE=s3: ${name} is not set`);
    return value;
  };
  return {
    kind,
    endpoint: env.SIYU_S3_ENDPOINT || undefined,
    region: env.SIYU_S3_REGION || 'us-east-1',
    bucket: required('SIYU_S3_BUCKET'),
    accessKeyId: required('SIYU_S3_ACCESS_KEY_ID'),
    secretAccessKey: required('SIYU_S3_SECRET_ACCESS_KEY'),
    forcePathStyle: (env.SIYU_S3_FORCE_PATH_STYLE ?? 'true') !== 'false',
    publicUrl: env.SIYU_S3_PUBLIC_URL ? baseUrlFrom(env.SIYU_S3_PUBLIC_URL) : undefined,
  };
}

function trustProxyFrom(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

function modeFrom(value: string | undefined): Mode {
  if (value === undefined || value === '') return 'sandbox';
  if (value === 'sandbox' || value === 'live') return value;
  throw new Error(`SIYU_MODE: expected sandbox or live, got ${value}`);
}

/** Live mode starts only with every secret set and none of them a published default; the error names the variable. */
function refuseDefaultSecrets(env: NodeJS.ProcessEnv): void {
  const key = env.SIYU_SECRET_KEY;
  if (!key) throw new Error('SIYU_MODE=live: SIYU_SECRET_KEY is not set (at least 32 random characters, e.g. `openssl rand -base64 48`)');
  if (key === SANDBOX_SECRET_KEY) throw new Error('SIYU_MODE=live: SIYU_SECRET_KEY is the published sandbox default; set a random key of your own');
  if (key.length < 32) throw new Error(`SIYU_MODE=live: SIYU_SECRET_KEY is too short (${key.length} characters, at least 32)`);
  // The embedded PostgreSQL runs with a built-in password published in the source.
  if (!env.DATABASE_URL) throw new Error('SIYU_MODE=live: DATABASE_URL is not set (the embedded database, with its built-in password, is for the sandbox only)');
}

/**
 * The configuration a benchmark or scratch run serves with: many clients from one loopback address,
 * so per-address request limits are off. Account and pickup-code lockouts stay.
 */
export function withoutPerAddressLimits(config: Config): Config {
  return { ...config, limits: { ...config.limits, perAddress: false } };
}

/** The limits with nothing configured. */
export const defaultLimits = (): LimitsConfig => limitsFrom({});

function limitsFrom(env: NodeJS.ProcessEnv): LimitsConfig {
  const switchValue = (env.SIYU_RATE_LIMITS ?? 'on').toLowerCase();
  if (switchValue !== 'on' && switchValue !== 'off') throw new Error(`SIYU_RATE_LIMITS: expected on or off, got ${env.SIYU_RATE_LIMITS}`);
  const minute = 60_000;
  return {
    perAddress: switchValue === 'on',
    scale: atLeast(1, intFrom(env.SIYU_RATE_LIMIT_SCALE, 1), 'SIYU_RATE_LIMIT_SCALE'),
    login: { max: 20, windowMs: minute },
    shopSession: { max: 10, windowMs: minute },
    otp: { max: 10, windowMs: minute },
    pickup: { max: 30, windowMs: minute },
    cashier: { max: 60, windowMs: minute },
    loginMaxFailures: atLeast(1, intFrom(env.SIYU_LOGIN_MAX_FAILURES, 5), 'SIYU_LOGIN_MAX_FAILURES'),
    loginAddressMaxFailures: atLeast(1, intFrom(env.SIYU_LOGIN_ADDRESS_MAX_FAILURES, 50), 'SIYU_LOGIN_ADDRESS_MAX_FAILURES'),
    loginLockSeconds: atLeast(1, intFrom(env.SIYU_LOGIN_LOCK_SECONDS, 30), 'SIYU_LOGIN_LOCK_SECONDS'),
    loginLockMaxSeconds: 15 * 60,
    pickupMaxFailures: atLeast(1, intFrom(env.SIYU_PICKUP_MAX_FAILURES, 5), 'SIYU_PICKUP_MAX_FAILURES'),
    pickupLockSeconds: atLeast(1, intFrom(env.SIYU_PICKUP_LOCK_SECONDS, 15 * 60), 'SIYU_PICKUP_LOCK_SECONDS'),
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
