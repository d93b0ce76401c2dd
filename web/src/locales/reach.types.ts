import type { reachZhCN } from './reach.zh-CN.js';

export type ReachMessages = { [K in keyof typeof reachZhCN]: string };
