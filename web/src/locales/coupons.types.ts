import type { referralsZhCN, couponsZhCN } from './coupons.zh-CN.js';

export type ReferralsMessages = { [K in keyof typeof referralsZhCN]: string };
export type CouponsMessages = { [K in keyof typeof couponsZhCN]: string };
