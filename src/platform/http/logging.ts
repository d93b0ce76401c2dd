import type { FastifyRequest } from 'fastify';
import { stdSerializers } from 'pino';

/**
 * Keys whose values never reach the log, wherever they sit in a logged object (up to one level
 * down): bearer tokens, cookies, passwords, phone numbers. Request bodies are not logged at all.
 */
const SECRET_KEYS = ['authorization', 'cookie', 'password', 'current_password', 'new_password', 'token', 'phone'];
export const REDACTED_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization', 'req.headers.cookie',
  // PostgreSQL puts the offending values in `detail` ("Key (tenant_id, phone)=(…, 138…) already exists").
  'err.detail', 'err.where',
];

/** Mainland mobile numbers inside free text, e.g. an error message quoting a value. */
const PHONE_IN_TEXT = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/**
 * A request as logged: its method and route pattern (`/api/v1/orders/:id`), never the URL as sent —
 * the query string may carry phone numbers, search terms or codes. Unrouted requests log their path.
 */
function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    route: request.routeOptions?.url ?? request.url.split('?', 1)[0],
    remoteAddress: request.ip,
  };
}

function errorForLog(err: Error) {
  const out = stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack'] as const) {
    if (typeof out[key] === 'string') out[key] = out[key].replace(PHONE_IN_TEXT, '[phone]');
  }
  return out;
}

/** The server's pino options: the caller's (level, stream) with redaction and the request and error serializers above. */
export function serverLogger(options: boolean | object | undefined): false | object {
  if (!options) return false;
  return {
    ...(options === true ? {} : options),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: requestForLog, err: errorForLog },
  };
}
