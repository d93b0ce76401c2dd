import { defineErrors } from '../../platform/errors.js';

export const reconciliationError = defineErrors({
  report_not_found: { status: 404, en: 'No reconciliation report for that day.', zh: '该日没有对账报告。' },
  bill_date_invalid: { status: 400, en: 'The bill date must be a past day (YYYY-MM-DD).', zh: '账单日期须为已过去的日期（YYYY-MM-DD）。' },
  provider_not_configured: { status: 409, en: 'WeChat Pay is not set up for this tenant.', zh: '该租户尚未配置微信支付。' },
  bill_hash_mismatch: { status: 502, en: 'The downloaded bill does not match the hash WeChat Pay gave; it was refused.', zh: '下载的账单与微信支付给出的摘要不符，已拒绝。' },
  bill_unavailable: { status: 502, en: 'WeChat Pay did not provide the bill.', zh: '微信支付未提供该账单。' },
});
