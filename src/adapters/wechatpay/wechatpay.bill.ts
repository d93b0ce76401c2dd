import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/**
 * WeChat Pay's daily bills: the trade bill (交易账单) and the fund-flow bill (资金账单), as the
 * download URL serves them. A CSV where every data field carries a leading backtick (so
 * spreadsheets keep long numbers as text), a header row, the rows, then a summary header and its
 * one row. Amounts are yuan with two decimals; they become integer fen here by their digits,
 * never through a float. Read by the adapter, written by the simulator, so both speak the same bytes.
 */

export const TRADE_BILL_COLUMNS = [
  '交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态',
  '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态',
  '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注',
] as const;

export const TRADE_SUMMARY_COLUMNS = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'] as const;

export const FUND_BILL_COLUMNS = ['记账时间', '微信支付业务单号', '资金流水单号', '业务名称', '业务类型', '收支类型', '收支金额（元）', '账户结余（元）', '资金变更提交申请人', '备注', '业务凭证号'] as const;

export const FUND_SUMMARY_COLUMNS = ['资金流水总笔数', '收入笔数', '收入金额', '支出笔数', '支出金额'] as const;

export class BillFormatError extends Error {
  constructor(message: string) {
    super(`WeChat Pay bill: ${message}`);
    this.name = 'BillFormatError';
  }
}

/**
 * "12.34" → 1234. Exactly two decimals at most, or more when the extra ones are zeros ("0.06000",
 * as fees are written); anything else is refused rather than rounded.
 */
export function yuanToFen(text: string): number {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new BillFormatError(`not an amount in yuan: ${JSON.stringify(text)}`);
  const [, sign, whole, decimals = ''] = m;
  if (decimals.length > 2 && !/^0+$/.test(decimals.slice(2))) throw new BillFormatError(`amount is not whole fen: ${text}`);
  const fen = BigInt(whole!) * 100n + BigInt((decimals + '00').slice(0, 2));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) throw new BillFormatError(`amount too large: ${text}`);
  return sign === '-' && fen !== 0n ? -Number(fen) : Number(fen);
}

/** 1234 → "12.34", as WeChat writes amounts in its bills. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export const sha1Hex = (bytes: Buffer | string) => createHash('sha1').update(bytes).digest('hex');

/**
 * The bytes the download URL answered, checked against the `hash_value` the bill application
 * returned (SHA1 of the file as served, before any gunzip) and decoded to text. A mismatch refuses
 * the bill: a truncated or altered download must never be reconciled.
 */
export function verifiedBillText(bytes: Buffer, hash: { hash_type: string; hash_value: string }, gzip = false): string {
  if (hash.hash_type.toUpperCase() !== 'SHA1') throw new BillFormatError(`unknown hash type ${hash.hash_type}`);
  if (sha1Hex(bytes) !== hash.hash_value.toLowerCase()) throw new BillHashMismatchError();
  const plain = gzip || (bytes[0] === 0x1f && bytes[1] === 0x8b) ? gunzipSync(bytes) : bytes;
  return plain.toString('utf8').replace(/^\uFEFF/, '');
}

export class BillHashMismatchError extends Error {
  constructor() {
    super('WeChat Pay bill: the download does not match the hash WeChat Pay gave');
    this.name = 'BillHashMismatchError';
  }
}

/** A data row: every field starts with a backtick; values may contain commas but never ",`". */
function dataFields(line: string): string[] {
  if (!line.startsWith('`')) throw new BillFormatError(`data row without backticks: ${line.slice(0, 40)}`);
  return line.slice(1).split(',`');
}

function sections(text: string, columns: readonly string[], summary: readonly string[]): { rows: string[][]; summary: string[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim());
  if (!header || header.join() !== columns.join()) throw new BillFormatError('unexpected header row');
  const summaryAt = lines.findIndex((l, i) => i > 0 && l.split(',').map((h) => h.trim()).join() === summary.join());
  if (summaryAt < 0) throw new BillFormatError('no summary header');
  const rows = lines.slice(1, summaryAt).map((l) => {
    const fields = dataFields(l);
    if (fields.length !== columns.length) throw new BillFormatError(`row has ${fields.length} fields, expected ${columns.length}`);
    return fields;
  });
  const summaryRow = lines[summaryAt + 1];
  if (summaryRow === undefined) throw new BillFormatError('no summary row');
  const totals = dataFields(summaryRow);
  if (totals.length !== summary.length) throw new BillFormatError('summary row of the wrong width');
  return { rows, summary: totals };
}

export interface TradeBillRow {
  time: string; appid: string; mchid: string; transactionId: string; outTradeNo: string; openid: string;
  tradeType: string; tradeState: string; bankType: string; currency: string;
  settlementFen: number; couponFen: number; refundId: string; outRefundNo: string; refundFen: number; rechargeRefundFen: number;
  refundType: string; refundStatus: string; description: string; attach: string; feeYuan: string; feeRate: string; totalFen: number; requestedRefundFen: number;
}

export interface TradeBill {
  rows: TradeBillRow[];
  summary: { count: number; settlementFen: number; refundFen: number; rechargeRefundFen: number; feeYuan: string; totalFen: number; requestedRefundFen: number };
}

const emptyIsZero = (s: string) => (s.trim() === '' ? 0 : yuanToFen(s));

export function parseTradeBill(text: string): TradeBill {
  const { rows, summary } = sections(text, TRADE_BILL_COLUMNS, TRADE_SUMMARY_COLUMNS);
  return {
    rows: rows.map((f) => ({
      time: f[0]!, appid: f[1]!, mchid: f[2]!, transactionId: f[5]!, outTradeNo: f[6]!, openid: f[7]!, tradeType: f[8]!, tradeState: f[9]!,
      bankType: f[10]!, currency: f[11]!, settlementFen: emptyIsZero(f[12]!), couponFen: emptyIsZero(f[13]!), refundId: f[14]!,
      outRefundNo: f[15]!, refundFen: emptyIsZero(f[16]!), rechargeRefundFen: emptyIsZero(f[17]!), refundType: f[18]!, refundStatus: f[19]!,
      description: f[20]!, attach: f[21]!, feeYuan: f[22]!, feeRate: f[23]!, totalFen: emptyIsZero(f[24]!), requestedRefundFen: emptyIsZero(f[25]!),
    })),
    summary: {
      count: Number(summary[0]), settlementFen: yuanToFen(summary[1]!), refundFen: yuanToFen(summary[2]!), rechargeRefundFen: yuanToFen(summary[3]!),
      feeYuan: summary[4]!, totalFen: yuanToFen(summary[5]!), requestedRefundFen: yuanToFen(summary[6]!),
    },
  };
}

export interface FundBillRow { time: string; transactionId: string; flowId: string; name: string; type: string; direction: string; amountFen: number; balanceFen: number; applicant: string; note: string; voucher: string }
export interface FundBill { rows: FundBillRow[]; summary: { count: number; incomeCount: number; incomeFen: number; outgoingCount: number; outgoingFen: number } }

export function parseFundBill(text: string): FundBill {
  const { rows, summary } = sections(text, FUND_BILL_COLUMNS, FUND_SUMMARY_COLUMNS);
  return {
    rows: rows.map((f) => ({
      time: f[0]!, transactionId: f[1]!, flowId: f[2]!, name: f[3]!, type: f[4]!, direction: f[5]!, amountFen: yuanToFen(f[6]!),
      balanceFen: yuanToFen(f[7]!), applicant: f[8]!, note: f[9]!, voucher: f[10]!,
    })),
    summary: { count: Number(summary[0]), incomeCount: Number(summary[1]), incomeFen: yuanToFen(summary[2]!), outgoingCount: Number(summary[3]), outgoingFen: yuanToFen(summary[4]!) },
  };
}

const line = (fields: readonly (string | number)[]) => fields.map((f) => `\`${f}`).join(',');

/** WeChat's side of parseTradeBill (the simulator serves what this writes). */
export function formatTradeBill(rows: readonly TradeBillRow[]): string {
  const sum = (pick: (r: TradeBillRow) => number) => rows.reduce((a, r) => a + pick(r), 0);
  const out = [TRADE_BILL_COLUMNS.join(',')];
  for (const r of rows) {
    out.push(line([
      r.time, r.appid, r.mchid, '0', '', r.transactionId, r.outTradeNo, r.openid, r.tradeType, r.tradeState, r.bankType, r.currency,
      fenToYuan(r.settlementFen), fenToYuan(r.couponFen), r.refundId || '0', r.outRefundNo || '0', fenToYuan(r.refundFen), fenToYuan(r.rechargeRefundFen),
      r.refundType, r.refundStatus, r.description, r.attach, r.feeYuan, r.feeRate, fenToYuan(r.totalFen), fenToYuan(r.requestedRefundFen), '',
    ]));
  }
  out.push(TRADE_SUMMARY_COLUMNS.join(','));
  out.push(line([rows.length, fenToYuan(sum((r) => r.settlementFen)), fenToYuan(sum((r) => r.refundFen)), fenToYuan(sum((r) => r.rechargeRefundFen)),
    '0.00000', fenToYuan(sum((r) => r.totalFen)), fenToYuan(sum((r) => r.requestedRefundFen))]));
  return `${out.join('\r\n')}\r\n`;
}

/** WeChat's side of parseFundBill. */
export function formatFundBill(rows: readonly FundBillRow[]): string {
  const income = rows.filter((r) => r.direction === '收入');
  const outgoing = rows.filter((r) => r.direction !== '收入');
  const out = [FUND_BILL_COLUMNS.join(',')];
  for (const r of rows) {
    out.push(line([r.time, r.transactionId, r.flowId, r.name, r.type, r.direction, fenToYuan(r.amountFen), fenToYuan(r.balanceFen), r.applicant, r.note, r.voucher]));
  }
  out.push(FUND_SUMMARY_COLUMNS.join(','));
  out.push(line([rows.length, income.length, fenToYuan(income.reduce((a, r) => a + r.amountFen, 0)), outgoing.length, fenToYuan(outgoing.reduce((a, r) => a + r.amountFen, 0))]));
  return `${out.join('\r\n')}\r\n`;
}
