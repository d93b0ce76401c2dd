import { defineErrors } from '../../platform/errors.js';

export const referralError = defineErrors({
  referral_task_not_found: { status: 404, en: 'No such referral task.', zh: '邀请任务不存在。' },
  referral_reward_template_required: { status: 422, en: 'A coupon reward names the coupon template it gives.', zh: '优惠券奖励须指定优惠券。' },
});
