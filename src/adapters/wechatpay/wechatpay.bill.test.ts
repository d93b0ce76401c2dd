import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import {
  BillFormatError, BillHashMismatchError, fenToYuan, formatFundBill, formatTradeBill, parseFundBill, parseTradeBill, sha1Hex, verifiedBillText, yuanToFen,
  type TradeBillRow,
} from './wechatpay.bill.js';

// A trade bill as WeChat Pay serves it: header, backtick-prefixed rows (a product name with a
// comma), the summary header and its row; CRLF line ends.
const SAMPLE = [
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
  '`2026-11-30 10:01:02,`wx0123456789abcdef,`1900009191,`0,`,`4200001234202611301234567890,`pay_0001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`OTHERS,`CNY,`19.90,`0.00,`0,`0,`0.00,`0.00,`,`,`苹果, 2 kg,`,`0.11940,`0.60%,`19.90,`0.00,`',
  '`2026-11-30 18:00:00,`wx0123456789abcdef,`1900009191,`0,`,`4200001234202611301234567890,`pay_0001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300012345,`ref_0001,`9.95,`0.00,`ORIGINAL,`SUCCESS,`苹果, 2 kg,`,`-0.05970,`0.60%,`0.00,`9.95,`',
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
  '`2,`19.90,`9.95,`0.00,`0.05970,`19.90,`9.95',
].join('\r\n');

describe('WeChat Pay bills', () => {
  it('reads yuan as integer fen exactly, never through a float', () => {
    expect(yuanToFen('0.29')).toBe(29); // 0.29 * 100 is 28.999999999999996 as a float
    expect(yuanToFen('19.90')).toBe(1990);
    expect(yuanToFen('1.1')).toBe(110);
    expect(yuanToFen('7')).toBe(700);
    expect(yuanToFen('-0.05')).toBe(-5);
    expect(yuanToFen('0.06000')).toBe(6);
    expect(yuanToFen('90071992547409.91')).toBe(9007199254740991);
    for (const bad of ['0.123', '1,00', '', '¥1.00', '1e3', '0.0600001', '90071992547409.92']) expect(() => yuanToFen(bad), bad).toThrow(BillFormatError);
  });

  it('yuan and fen round-trip for every amount', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e15 }), (fen) => yuanToFen(fenToYuan(fen)) === fen));
  });

  it('parses a trade bill: rows by column, a comma inside a field, the summary', () => {
    const bill = parseTradeBill(SAMPLE);
    expect(bill.rows).toHaveLength(2);
    expect(bill.rows[0]).toMatchObject({ outTradeNo: 'pay_0001', transactionId: '4200001234202611301234567890', tradeState: 'SUCCESS', totalFen: 1990, settlementFen: 1990, description: '苹果, 2 kg', feeYuan: '0.11940' });
    expect(bill.rows[1]).toMatchObject({ tradeState: 'REFUND', outRefundNo: 'ref_0001', refundId: '50300012345', refundFen: 995, requestedRefundFen: 995, refundStatus: 'SUCCESS' });
    expect(bill.summary).toMatchObject({ count: 2, settlementFen: 1990, refundFen: 995, totalFen: 1990, requestedRefundFen: 995 });
  });

  it('refuses a bill that is not one: wrong header, a row without backticks, a row of the wrong width, no summary', () => {
    expect(() => parseTradeBill(SAMPLE.replace('交易时间', '时间'))).toThrow(/header/);
    expect(() => parseTradeBill(SAMPLE.replace('`2026-11-30 10:01:02', '2026-11-30 10:01:02'))).toThrow(/backticks/);
    expect(() => parseTradeBill(SAMPLE.replace(',`0.60%,`19.90', ',`19.90'))).toThrow(/fields/);
    expect(() => parseTradeBill(SAMPLE.split('\r\n').slice(0, 3).join('\r\n'))).toThrow(/summary/);
  });

  it('what the simulator writes, the adapter reads back the same', () => {
    const row: TradeBillRow = {
      time: '2026-11-30 10:00:00', appid: 'wx0123456789abcdef', mchid: '1900009191', transactionId: '42000001', outTradeNo: 'pay_x', openid: 'o1', tradeType: 'JSAPI', tradeState: 'SUCCESS',
      bankType: 'OTHERS', currency: 'CNY', settlementFen: 12345, couponFen: 0, refundId: '', outRefundNo: '', refundFen: 0, rechargeRefundFen: 0, refundType: '', refundStatus: '',
      description: 'a, b', attach: '', feeYuan: '0.74070', feeRate: '0.60%', totalFen: 12345, requestedRefundFen: 0,
    };
    const back = parseTradeBill(formatTradeBill([row]));
    expect(back.rows[0]).toMatchObject({ ...row, refundId: '0', outRefundNo: '0' });
    expect(back.summary.totalFen).toBe(12345);
    const fund = parseFundBill(formatFundBill([{ time: '2026-11-30 10:00:00', transactionId: '42000001', flowId: 'F1', name: '交易', type: '交易', direction: '收入', amountFen: 12345, balanceFen: 12345, applicant: 'system', note: '', voucher: 'pay_x' }]));
    expect(fund.summary).toEqual({ count: 1, incomeCount: 1, incomeFen: 12345, outgoingCount: 0, outgoingFen: 0 });
  });

  it('accepts a download only when its SHA1 matches, gzipped or not', () => {
    const bytes = Buffer.from(SAMPLE, 'utf8');
    expect(verifiedBillText(bytes, { hash_type: 'SHA1', hash_value: sha1Hex(bytes) })).toBe(SAMPLE);
    const gz = gzipSync(bytes);
    expect(verifiedBillText(gz, { hash_type: 'SHA1', hash_value: sha1Hex(gz).toUpperCase() })).toBe(SAMPLE);
    const tampered = Buffer.concat([bytes, Buffer.from('\n')]);
    expect(() => verifiedBillText(tampered, { hash_type: 'SHA1', hash_value: sha1Hex(bytes) })).toThrow(BillHashMismatchError);
    expect(() => verifiedBillText(bytes, { hash_type: 'MD5', hash_value: sha1Hex(bytes) })).toThrow(BillFormatError);
  });
});
