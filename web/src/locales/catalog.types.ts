import type { catalogZhCN } from './catalog.zh-CN.js';

export type CatalogMessages = { [K in keyof typeof catalogZhCN]: string };
