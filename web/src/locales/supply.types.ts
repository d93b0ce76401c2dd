import type { Strings } from './zh-CN.js';
import type { supplyZhCN, fulfilmentZhCN, importsZhCN, hierarchyZhCN, pickupZhCN } from './supply.zh-CN.js';

export type SupplyMessages = Strings<typeof supplyZhCN>;
export type FulfilmentMessages = Strings<typeof fulfilmentZhCN>;
export type ImportsMessages = Strings<typeof importsZhCN>;
export type HierarchyMessages = Strings<typeof hierarchyZhCN>;
export type PickupMessages = Strings<typeof pickupZhCN>;
