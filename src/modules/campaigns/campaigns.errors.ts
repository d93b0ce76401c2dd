import { defineErrors } from '../../platform/errors.js';

export const campaignError = defineErrors({
  campaign_not_found: { status: 404, en: 'No such campaign.', zh: '活动不存在。' },
  campaign_ended: { status: 409, en: 'This campaign has ended and can no longer be changed.', zh: '该活动已结束，不能再修改。' },
  budget_below_spent: { status: 409, en: 'The budget cannot be set below what the campaign has already spent.', zh: '预算不能低于活动已花费的金额。' },
  campaign_budget_exhausted: { status: 409, en: 'The campaign’s subsidy ran out during checkout; the price has changed, please confirm again.', zh: '结算时活动补贴已用完，价格已变化，请重新确认。' },
});
