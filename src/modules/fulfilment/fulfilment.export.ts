import ExcelJS from 'exceljs';
import type { PickListDetail, PurchaseOrderDetail } from './fulfilment.schema.js';

/**
 * Purchase orders and pick lists as Excel workbooks (exceljs): what suppliers and leaders pass on
 * to their own systems. Amounts are written in yuan as numbers with two decimals (fen / 100 is
 * exact to the cent for every amount the schema allows), quantities as integers.
 */
export async function purchaseOrderXlsx(po: PurchaseOrderDetail): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.created = new Date(0);
  const sheet = book.addWorksheet(po.number);
  sheet.addRow(['采购单 Purchase order', po.number]);
  sheet.addRow(['供应商 Supplier', po.supplier_name]);
  sheet.addRow(['收货仓 Warehouse', po.warehouse_name]);
  sheet.addRow(['销售场次 Window', po.window_name]);
  sheet.addRow([]);
  const header = sheet.addRow(['SKU', '商品 Item', '需求 Demand', '箱规 Case pack', '采购数 Ordered', '确认数 Confirmed', '供货价 Unit cost', '金额 Amount']);
  header.font = { bold: true };
  for (const l of po.lines) {
    sheet.addRow([l.sku_code, l.title, l.demand_qty, l.case_pack, l.ordered_qty, l.confirmed_qty, l.unit_supply_cost / 100, (l.ordered_qty * l.unit_supply_cost) / 100]);
  }
  sheet.addRow(['合计 Total', '', po.demand_units, '', po.ordered_units, '', '', po.ordered_cost / 100]).font = { bold: true };
  sheet.getColumn(2).width = 32;
  for (const c of [7, 8]) sheet.getColumn(c).numFmt = '0.00';
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function pickListXlsx(pl: PickListDetail): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.created = new Date(0);
  const items = book.addWorksheet('汇总 Items');
  items.addRow(['拣货单 Pick list', pl.b_node_name]);
  items.addRow(['自提点 Pickup point', pl.pickup_address]);
  items.addRow(['销售场次 Window', pl.window_name]);
  items.addRow([]);
  items.addRow(['SKU', '商品 Item', '数量 Quantity']).font = { bold: true };
  for (const i of pl.items) items.addRow([i.sku_code, i.title, i.quantity]);
  items.getColumn(2).width = 32;
  const orders = book.addWorksheet('订单 Orders');
  orders.addRow(['订单号 Order', '顾客 Buyer', '手机尾号 Phone', 'SKU', '商品 Item', '数量 Quantity']).font = { bold: true };
  for (const o of pl.orders) for (const l of o.lines) orders.addRow([o.number, o.customer_name, o.phone_tail, l.sku_code, l.title, l.quantity]);
  orders.getColumn(5).width = 32;
  return Buffer.from(await book.xlsx.writeBuffer());
}
