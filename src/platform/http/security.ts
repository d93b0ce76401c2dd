import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { LimitsConfig, RateLimit } from '../config.js';
import { platformError } from '../errors.js';

/** Any Fastify instance of ours (server.ts's App, named without importing it: server.ts imports this file). */
type App = FastifyInstance<any, any, any, any, any>;

/**
 * The Content-Security-Policy the shop and the console are built to pass: scripts, styles, fonts
 * and API calls from this origin only; images also from https hosts (product photos) and data:
 * URIs. Style attributes are allowed (ECharts' tooltips and Swagger UI write them), <style> and
 * inline scripts are not. No frames of us elsewhere, no plugins, forms post only here.
 */
export const contentSecurityPolicy = {
  useDefaults: false,
  directives: {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'style-src-attr': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'https:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'"],
  },
};

/**
 * The API documentation (Swagger UI, /docs) injects <style> elements: its pages alone also allow
 * inline styles. Scripts stay this origin's only.
 */
export const docsContentSecurityPolicy: Record<string, string[]> = {
  ...contentSecurityPolicy.directives,
  'style-src': ["'self'", "'unsafe-inline'"],
};

/** Security headers on every answer, API and pages alike (@fastify/helmet). */
export async function registerSecurityHeaders(app: App): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy,
    // Pages and API share one origin; nothing of ours is meant to be embedded or read cross-origin.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // The server may be reached over plain HTTP on a LAN or loopback; forcing HTTPS is the proxy's call.
    strictTransportSecurity: false,
  });
}

/**
 * Refuses, before any handler runs, text PostgreSQL cannot store: a NUL character or bytes that
 * are not UTF-8, in the JSON body, the path or the query string (400 invalid_text). Without it a
 * NUL reached the database and answered 500, and invalid bytes were silently replaced.
 */
export function registerTextGuard(app: App): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) return done(platformError('invalid_text'), undefined);
    const text = bytes.toString('utf8');
    parseJson(request, text, (err, value) => {
      if (err) return done(err, undefined);
      // A NUL can only arrive escaped; the walk runs only when the escape is there at all.
      if (text.includes('\\u0000') && containsNul(value)) return done(platformError('invalid_text'), undefined);
      done(null, value);
    });
  });
  app.addHook('onRequest', async (request) => {
    if (!urlTextIsValid(request.url)) throw platformError('invalid_text');
  });
}

/**
 * Every percent-encoded run in the raw URL decodes as UTF-8 and none is a NUL (%00). A lone `%`
 * that starts no escape is left to the route's own validation.
 */
export function urlTextIsValid(url: string): boolean {
  if (!url.includes('%')) return !url.includes('\u0000');
  for (const [run] of url.matchAll(PERCENT_RUNS)) {
    try {
      if (decodeURIComponent(run).includes('\u0000')) return false;
    } catch {
      return false;
    }
  }
  return !url.includes('\u0000');
}
const PERCENT_RUNS = /(?:%[0-9A-Fa-f]{2})+/g;

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) if (key.includes('\u0000') || containsNul(v)) return true;
  }
  return false;
}

/**
 * Per-address request limits (@fastify/rate-limit), off by default: a route opts in with
 * `config: perAddressLimit(limits, limits.login)`. Counts live in each process's memory, so with N
 * worker processes an address gets up to N times the limit; what must hold across processes
 * (account lockout, pickup-code lockout) is kept in the database instead.
 */
export async function registerRateLimits(app: App): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    // One answer for every limit: 429 rate_limited problem+json with Retry-After.
    errorResponseBuilder: (_request, context) => platformError('rate_limited', { retry_after_seconds: Math.max(1, Math.ceil(context.ttl / 1000)) }),
  });
}

/**
 * A route's per-address limit, for its `config`: `{ config: perAddressLimit(ctx.config.limits,
 * { max: 5, windowMs: 60_000 }) }`. Scaled by SIYU_RATE_LIMIT_SCALE and absent when
 * SIYU_RATE_LIMITS=off (benchmarks drive many clients from one loopback address).
 */
export function perAddressLimit(limits: LimitsConfig, limit: RateLimit): { rateLimit: false | { max: number; timeWindow: number; keyGenerator: (request: FastifyRequest) => string } } {
  if (!limits.perAddress) return { rateLimit: false };
  return { rateLimit: { max: limit.max * limits.scale, timeWindow: limit.windowMs, keyGenerator: (request) => request.ip } };
}
