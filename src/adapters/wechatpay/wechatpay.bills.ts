import { authorization, nonceString } from './wechatpay.crypto.js';
import { wechatpayCall, type CallOptions, type WechatpayCaller } from './wechatpay.client.js';
import { parseFundBill, parseTradeBill, verifiedBillText, type FundBill, type TradeBill } from './wechatpay.bill.js';

/**
 * Applying for and downloading WeChat Pay's daily bills. The application is an ordinary signed
 * call (a verified answer with the file's SHA1); the download is a signed GET whose answer WeChat
 * does not sign, so the SHA1 is what vouches for it.
 */
export interface BillApplication { hash_type: string; hash_value: string; download_url: string }

export interface BinaryResponse { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }
export type BinaryTransport = (req: { url: string; headers: Record<string, string> }) => Promise<BinaryResponse>;

export const fetchBinary: BinaryTransport = async (req) => {
  const res = await fetch(req.url, { headers: req.headers, signal: AbortSignal.timeout(30_000) });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => { headers[key] = value; });
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
};

export const applyTradeBill = (caller: WechatpayCaller, billDate: string, options: CallOptions & { gzip?: boolean } = {}) =>
  wechatpayCall<BillApplication>(caller, 'GET', `/v3/bill/tradebill?bill_date=${billDate}&bill_type=ALL${options.gzip ? '&tar_type=GZIP' : ''}`, undefined, options);

export const applyFundBill = (caller: WechatpayCaller, billDate: string, options: CallOptions & { gzip?: boolean } = {}) =>
  wechatpayCall<BillApplication>(caller, 'GET', `/v3/bill/fundflowbill?bill_date=${billDate}&account_type=BASIC${options.gzip ? '&tar_type=GZIP' : ''}`, undefined, options);

/** The file behind a download_url, signed like any request; its SHA1 must match the application's. */
export async function downloadBill(caller: WechatpayCaller, application: BillApplication, options: { transport?: BinaryTransport | undefined; now?: Date | undefined } = {}): Promise<string> {
  const url = new URL(application.download_url, caller.apiBase);
  const now = options.now ?? new Date();
  const auth = authorization(caller, { method: 'GET', url: url.pathname + url.search, timestamp: String(Math.floor(now.getTime() / 1000)), nonce: nonceString(), body: '' });
  const res = await (options.transport ?? fetchBinary)({ url: url.toString(), headers: { authorization: auth, accept: '*/*', 'user-agent': 'siyu-wechatpay/1' } });
  if (res.status !== 200) throw new Error(`WeChat Pay bill download answered HTTP ${res.status}`);
  return verifiedBillText(res.body, application);
}

export async function fetchTradeBill(caller: WechatpayCaller, billDate: string, options: CallOptions & { binary?: BinaryTransport | undefined } = {}): Promise<TradeBill> {
  const application = await applyTradeBill(caller, billDate, options);
  return parseTradeBill(await downloadBill(caller, application, { transport: options.binary, now: options.now }));
}

export async function fetchFundBill(caller: WechatpayCaller, billDate: string, options: CallOptions & { binary?: BinaryTransport | undefined } = {}): Promise<FundBill> {
  const application = await applyFundBill(caller, billDate, options);
  return parseFundBill(await downloadBill(caller, application, { transport: options.binary, now: options.now }));
}
