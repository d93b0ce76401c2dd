import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, platformError } from '../errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  detail_zh: string;
  instance?: string;
  errors?: { path: string; message: string }[];
  [extra: string]: unknown;
}

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
  if (e.code === '22003' || e.code === '22P02') return platformError('validation_failed', { detail_text: 'value out of range' });
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError('bad_request', e.statusCode, e.message ?? 'Bad request', '请求有误。');
  }
  return platformError('internal');
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.status(problem.status).type('application/problem+json').send(problem);
}
