/**
 * One error type for the whole app. Each module declares its closed set of codes with an HTTP status
 * and zh-CN/en messages (see `defineErrors`); the HTTP layer turns any AppError into problem+json.
 */
export interface ErrorSpec { status: number; en: string; zh: string }

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly messageZh: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export type ErrorFactory<C extends string> = (code: C, details?: Record<string, unknown>) => AppError;

/** Declares a module's error codes once; returns a factory that only accepts those codes. */
export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T): ErrorFactory<Extract<keyof T, string>> & { specs: T } {
  const make = (code: Extract<keyof T, string>, details?: Record<string, unknown>) => {
    const spec = specs[code]!;
    return new AppError(code, spec.status, spec.en, spec.zh, details);
  };
  return Object.assign(make, { specs });
}

export const platformError = defineErrors({
  validation_failed: { status: 400, en: 'The request is not valid.', zh: '请求参数不合法。' },
  malformed_json: { status: 400, en: 'The request body is not valid JSON.', zh: '请求体不是合法的 JSON。' },
  invalid_text: { status: 400, en: 'The request contains a NUL character or bytes that are not UTF-8.', zh: '请求中含有空字符（NUL）或非 UTF-8 字节。' },
  payload_too_large: { status: 413, en: 'The request body is too large.', zh: '请求体过大。' },
  unsupported_media_type: { status: 415, en: 'The request body must be application/json.', zh: '请求体必须是 application/json。' },
  unauthenticated: { status: 401, en: 'Sign in or send a valid token.', zh: '请登录或提供有效的令牌。' },
  forbidden: { status: 403, en: 'Your role may not do this.', zh: '当前角色无权执行此操作。' },
  not_found: { status: 404, en: 'Not found.', zh: '未找到。' },
  no_b_node: { status: 403, en: 'This account belongs to no B node; a tenant admin must assign one.', zh: '该账号未绑定门店/团长，请联系总部管理员绑定。' },
  no_supplier: { status: 403, en: 'This account belongs to no supplier; a tenant admin must assign one.', zh: '该账号未绑定供应商，请联系总部管理员绑定。' },
  idempotency_key_required: { status: 400, en: 'This request needs an Idempotency-Key header.', zh: '此请求需要 Idempotency-Key 请求头。' },
  idempotency_key_invalid: { status: 400, en: 'The Idempotency-Key must be 1 to 255 visible characters.', zh: 'Idempotency-Key 须为 1 至 255 个可见字符。' },
  idempotency_key_reused: { status: 422, en: 'This Idempotency-Key was already used with a different request body.', zh: '该 Idempotency-Key 已用于不同的请求体。' },
  already_exists: { status: 409, en: 'This conflicts with a record that already exists.', zh: '与已有记录冲突。' },
  illegal_transition: { status: 409, en: 'This change is not allowed in the current state.', zh: '当前状态下不允许此变更。' },
  rate_limited: { status: 429, en: 'Too many requests.', zh: '请求过于频繁。' },
  database_unavailable: { status: 503, en: 'The database is unavailable; try again shortly.', zh: '数据库暂时不可用，请稍后重试。' },
  internal: { status: 500, en: 'Something went wrong on our side.', zh: '服务器内部错误。' },
});
