import type { crmZhCN } from './crm.zh-CN.js';

export type CrmMessages = { [K in keyof typeof crmZhCN]: string };
