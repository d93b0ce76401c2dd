import { defineErrors } from '../../platform/errors.js';

export const inventoryError = defineErrors({
  warehouse_not_found: { status: 404, en: 'No such warehouse.', zh: '仓库不存在。' },
  stock_below_reserved: { status: 409, en: 'On-hand stock cannot go below what is reserved by open orders.', zh: '库存不能低于未完成订单已占用的数量。' },
});
