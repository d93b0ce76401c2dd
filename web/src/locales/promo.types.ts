import type { promoZhCN } from './promo.zh-CN.js';

export type PromoMessages = { [K in keyof typeof promoZhCN]: string };
