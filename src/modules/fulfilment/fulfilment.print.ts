import { formatYuan } from '../../platform/money.js';
import type { PickListDetail, PurchaseOrderDetail } from './fulfilment.schema.js';

/**
 * Purchase orders and pick lists as printable HTML: A4 for the office, 80 mm for a receipt printer
 * at the pickup point. The page is static (no script); its print rules are one of two stylesheets
 * served from this origin, so the console's content security policy (styles from 'self' only)
 * lets it print them too.
 */
export type Layout = 'a4' | 'receipt';
export type PrintLang = 'zh-CN' | 'en';

const LABELS = {
  'zh-CN': {
    purchase_order: '采购单', pick_list: '拣货单', supplier: '供应商', warehouse: '收货仓', window: '销售场次', cutoff: '截单时间',
    status: '状态', sku: 'SKU', item: '商品', demand: '需求', case_pack: '箱规', ordered: '采购数', confirmed: '确认数', unit_cost: '供货价',
    total: '合计', pickup_point: '自提点', hours: '营业时间', orders: '订单', quantity: '数量', buyer: '顾客', order: '订单号',
    open: '待确认', confirmed_status: '已确认', short: '缺货退款', printed: '打印时间', signature: '签收',
  },
  en: {
    purchase_order: 'Purchase order', pick_list: 'Pick list', supplier: 'Supplier', warehouse: 'Deliver to', window: 'Sales window', cutoff: 'Cutoff',
    status: 'Status', sku: 'SKU', item: 'Item', demand: 'Demand', case_pack: 'Case', ordered: 'Ordered', confirmed: 'Confirmed', unit_cost: 'Unit cost',
    total: 'Total', pickup_point: 'Pickup point', hours: 'Hours', orders: 'Orders', quantity: 'Qty', buyer: 'Buyer', order: 'Order',
    open: 'Awaiting confirmation', confirmed_status: 'Confirmed', short: 'Short-shipment refunds', printed: 'Printed', signature: 'Received by',
  },
} as const;

const escapeHtml = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, layout: Layout, lang: PrintLang, body: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${stylesheet}"></head>
<body class="print ${layout}">${body}</body></html>`;
}

const when = (d: Date | string, timeZone: string) => new Date(d).toLocaleString('zh-CN', { timeZone, hour12: false });

export function purchaseOrderHtml(po: PurchaseOrderDetail, o: { layout: Layout; lang: PrintLang; timeZone: string; stylesheet: string; now: Date }): string {
  const t = LABELS[o.lang];
  const cost = po.lines.reduce((a, l) => a + l.ordered_qty * l.unit_supply_cost, 0);
  const rows = po.lines.map((l) => o.layout === 'a4'
    ? `<tr><td>${escapeHtml(l.sku_code)}</td><td>${escapeHtml(l.title)}</td><td class="n">${l.demand_qty}</td><td class="n">${l.case_pack}</td><td class="n">${l.ordered_qty}</td><td class="n">${l.confirmed_qty ?? ''}</td><td class="n">${formatYuan(l.unit_supply_cost)}</td><td class="n">${formatYuan(l.ordered_qty * l.unit_supply_cost)}</td></tr>`
    : `<tr><td>${escapeHtml(l.title)}<br><small>${escapeHtml(l.sku_code)} · ${t.case_pack} ${l.case_pack}</small></td><td class="n">${l.ordered_qty}${l.confirmed_qty !== null ? `<br><small>${t.confirmed} ${l.confirmed_qty}</small>` : ''}</td></tr>`).join('');
  const head = o.layout === 'a4'
    ? `<tr><th>${t.sku}</th><th>${t.item}</th><th class="n">${t.demand}</th><th class="n">${t.case_pack}</th><th class="n">${t.ordered}</th><th class="n">${t.confirmed}</th><th class="n">${t.unit_cost}</th><th class="n">${t.total}</th></tr>`
    : `<tr><th>${t.item}</th><th class="n">${t.ordered}</th></tr>`;
  const body = `
<header><h1>${t.purchase_order} ${escapeHtml(po.number)}</h1>
<dl><dt>${t.supplier}</dt><dd>${escapeHtml(po.supplier_name)}</dd><dt>${t.warehouse}</dt><dd>${escapeHtml(po.warehouse_name)}</dd>
<dt>${t.window}</dt><dd>${escapeHtml(po.window_name)}</dd><dt>${t.cutoff}</dt><dd>${escapeHtml(when(po.cutoff_at, o.timeZone))}</dd>
<dt>${t.status}</dt><dd>${po.status === 'open' ? t.open : t.confirmed_status}</dd></dl></header>
<table><thead>${head}</thead><tbody>${rows}</tbody>
<tfoot><tr><td${o.layout === 'a4' ? ' colspan="4"' : ''}>${t.total}</td><td class="n">${po.ordered_units}</td>${o.layout === 'a4' ? `<td></td><td></td><td class="n">${formatYuan(cost)}</td>` : ''}</tr></tfoot></table>
${po.short_units > 0 ? `<p>${t.short}: ${po.short_units} · ${formatYuan(po.short_amount)}</p>` : ''}
<footer><span>${t.printed} ${escapeHtml(when(o.now, o.timeZone))}</span><span>${t.signature} ____________</span></footer>`;
  return page(`${t.purchase_order} ${po.number}`, o.layout, o.lang, body, o.stylesheet);
}

export function pickListHtml(pl: PickListDetail, o: { layout: Layout; lang: PrintLang; timeZone: string; stylesheet: string; now: Date }): string {
  const t = LABELS[o.lang];
  const items = pl.items.map((i) => `<tr><td>${escapeHtml(i.title)}${o.layout === 'a4' ? `</td><td>${escapeHtml(i.sku_code)}` : ''}</td><td class="n">${i.quantity}</td></tr>`).join('');
  const orders = pl.orders.map((ord) => `<section class="order"><h3>${escapeHtml(ord.number)} · ${escapeHtml(ord.customer_name)}${ord.phone_tail ? ` (${escapeHtml(ord.phone_tail)})` : ''}</h3>
<ul>${ord.lines.map((l) => `<li><span>${escapeHtml(l.title)}</span><span class="n">× ${l.quantity}</span></li>`).join('')}</ul></section>`).join('');
  const body = `
<header><h1>${t.pick_list} · ${escapeHtml(pl.b_node_name)}</h1>
<dl><dt>${t.pickup_point}</dt><dd>${escapeHtml(pl.pickup_address || '—')}</dd>${pl.pickup_hours ? `<dt>${t.hours}</dt><dd>${escapeHtml(pl.pickup_hours)}</dd>` : ''}
<dt>${t.window}</dt><dd>${escapeHtml(pl.window_name)}</dd><dt>${t.cutoff}</dt><dd>${escapeHtml(when(pl.cutoff_at, o.timeZone))}</dd>
<dt>${t.orders}</dt><dd>${pl.orders.length}</dd></dl></header>
<table><thead><tr><th>${t.item}</th>${o.layout === 'a4' ? `<th>${t.sku}</th>` : ''}<th class="n">${t.quantity}</th></tr></thead><tbody>${items}</tbody>
<tfoot><tr><td${o.layout === 'a4' ? ' colspan="2"' : ''}>${t.total}</td><td class="n">${pl.items.reduce((a, i) => a + i.quantity, 0)}</td></tr></tfoot></table>
<h2>${t.orders}</h2>${orders}
<footer><span>${t.printed} ${escapeHtml(when(o.now, o.timeZone))}</span></footer>`;
  return page(`${t.pick_list} ${pl.b_node_name}`, o.layout, o.lang, body, o.stylesheet);
}

const BASE_CSS = `
body.print { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #000; margin: 0; }
.print h1 { font-size: 1.3em; margin: 0 0 .4em; } .print h2 { font-size: 1.1em; margin: 1em 0 .3em; } .print h3 { font-size: 1em; margin: .6em 0 .2em; }
.print dl { display: grid; grid-template-columns: max-content 1fr; gap: .1em .8em; margin: 0 0 .8em; } .print dt { font-weight: bold; } .print dd { margin: 0; }
.print table { width: 100%; border-collapse: collapse; } .print th, .print td { text-align: left; padding: .25em .3em; vertical-align: top; }
.print .n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.print thead th { border-bottom: 1px solid #000; } .print tfoot td { border-top: 1px solid #000; font-weight: bold; }
.print ul { list-style: none; margin: 0; padding: 0; } .print li { display: flex; justify-content: space-between; gap: 1em; }
.print section.order { break-inside: avoid; border-bottom: 1px dashed #999; padding-bottom: .3em; }
.print footer { display: flex; justify-content: space-between; margin-top: 1.2em; font-size: .85em; }`;

/** A4 portrait: the office copy, with costs. */
export const A4_CSS = `${BASE_CSS}
@page { size: A4 portrait; margin: 14mm 12mm; }
body.a4 { font-size: 11pt; } .a4 tbody tr:nth-child(even) td { background: #f3f3f3; }
@media screen { body.a4 { max-width: 186mm; margin: 8mm auto; } }`;

/** 80 mm thermal receipt: 72 mm of printable width, one column, no costs. */
export const RECEIPT_CSS = `${BASE_CSS}
@page { size: 80mm 297mm; margin: 3mm 4mm; }
body.receipt { font-size: 9pt; width: 72mm; } .receipt dl { grid-template-columns: max-content 1fr; font-size: .9em; }
.receipt footer { flex-direction: column; gap: .3em; }
@media screen { body.receipt { margin: 4mm auto; } }`;
