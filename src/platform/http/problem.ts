import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, platformError } from '../errors.js';
import { isDatabaseUnavailable } from '../db/database.js';

/**
 * The shape of every error answer (RFC 9457 problem details plus a stable `code`). Modules add
 * members of their own (`sku_ids`, `rules`, …), so unknown members are kept, not stripped.
 */
export const problemSchema = z.looseObject({
  type: z.string().describe('URI naming the problem: https://siyu.dev/problems/{code}'),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('Stable machine-readable code, declared once in the module\'s *.errors.ts'),
  detail: z.string(),
  detail_zh: z.string(),
  instance: z.string().optional(),
  request_id: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('Every invalid field of a 400 validation_failed'),
  retry_after_seconds: z.number().int().optional().describe('A 429 or 423: seconds until the request may be tried again (also the Retry-After header)'),
}).meta({ id: 'Problem', description: 'application/problem+json (RFC 9457) with a stable `code`' });
export type Problem = z.infer<typeof problemSchema>;

/** Maps anything thrown while handling a request to problem+json with a stable code. */
export function toProblem(err: unknown, request?: FastifyRequest): Problem {
  const app = toAppError(err);
  const problem: Problem = {
    // Details first: one named like a standard member (an entity's `status`, say) must not replace it.
    ...(app.details ?? {}),
    type: `https://siyu.dev/problems/${app.code}`,
    title: app.message,
    status: app.status,
    code: app.code,
    detail: app.message,
    detail_zh: app.messageZh,
    ...(request ? { instance: request.url, request_id: request.id } : {}),
  };
  if (hasZodFastifySchemaValidationErrors(err)) {
    problem.errors = err.validation.map((v) => ({
      path: `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message ?? 'invalid',
    }));
  }
  return problem;
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) return platformError('validation_failed');
  const e = err as { code?: string; statusCode?: number; message?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return platformError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return platformError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return platformError('malformed_json');
  }
  if (err instanceof SyntaxError && e.statusCode === 400) return platformError('malformed_json');
  if (e.code === 'FST_ERR_VALIDATION') return platformError('validation_failed', { detail_text: e.message });
  // PostgreSQL: a CHECK or key violation that slipped past validation is the client's bad input, not a crash.
  // The database went away or is restarting: nothing was written that the client can rely on, and
  // the same request will work once it is back (the pool reconnects by itself).
  if (isDatabaseUnavailable(err)) return platformError('database_unavailable');
  // A unique key taken meanwhile (two requests racing, or a check the code does not make): a
  // conflict the client can resolve. The constraint and its values (a phone, a login) stay out of the answer.
  if (e.code === '23505') return platformError('already_exists');
  // Text PostgreSQL cannot store (a NUL, a byte sequence that is not UTF-8) that slipped past the
  // request guard, e.g. inside a header-borne value: the client's bad input.
  if (e.code === '22021' || e.code === '22P05') return platformError('invalid_text');
  if (e.code === '22003' || e.code === '22P02') return platformError('validation_failed', { detail_text: 'value out of range' });
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError('bad_request', e.statusCode, e.message ?? 'Bad request', '请求有误。');
  }
  return platformError('internal');
}

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 2;

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  // A lockout or rate limit says when to come back: in the answer and as the standard header.
  if (typeof problem.retry_after_seconds === 'number') reply.header('retry-after', String(problem.retry_after_seconds));
  return reply.status(problem.status).type('application/problem+json').send(problem);
}
