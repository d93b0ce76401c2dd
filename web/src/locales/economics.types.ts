import type { Strings } from './zh-CN.js';
import type { economicsZhCN } from './economics.zh-CN.js';

export type EconomicsMessages = Strings<typeof economicsZhCN>;
