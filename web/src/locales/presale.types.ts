import type { presaleZhCN, pickupDayZhCN, bargainZhCN } from './presale.zh-CN.js';

export type PresaleMessages = { [K in keyof typeof presaleZhCN]: string };
export type PickupDayMessages = { [K in keyof typeof pickupDayZhCN]: string };
export type BargainMessages = { [K in keyof typeof bargainZhCN]: string };
