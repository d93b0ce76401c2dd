import { AppError, defineErrors } from '../../platform/errors.js';
import { EconomicsFailure, economicsErrorMessages } from './economics.errors.js';
import type { GuardResult } from './economics.guard.js';

export const economicsHttpError = defineErrors({
  economics_rejected: { status: 422, en: 'The economics guard rejected this change: the money calculation does not settle.', zh: '经济模型校验未通过：这笔账算不过来，变更被拒绝。' },
  override_not_allowed: { status: 403, en: 'Only a tenant admin may override the economics guard, with a written reason.', zh: '只有租户管理员可以填写理由后越过经济校验。' },
  policy_not_found: { status: 404, en: 'No such commission policy.', zh: '佣金方案不存在。' },
});

/** Plan-parsing failures become a 400 that lists every bad field. */
export function economicsFailureToAppError(err: unknown): unknown {
  if (!(err instanceof EconomicsFailure)) return err;
  const m = economicsErrorMessages[err.code];
  return new AppError(err.code, 400, m.en, m.zh, { errors: err.issues });
}

/** The rules a client needs to see in a rejection: each with status, numbers and messages. */
export function rejection(result: GuardResult) {
  return economicsHttpError('economics_rejected', {
    verdict: result.verdict,
    rules: result.rules.filter((r) => r.status !== 'pass').map((r) => ({ id: r.id, status: r.status, overridable: r.overridable, numbers: r.numbers, message: r.message.en, message_zh: r.message.zh })),
  });
}
