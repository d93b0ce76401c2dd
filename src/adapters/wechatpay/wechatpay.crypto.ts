import {
  constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, createSign, createVerify, privateDecrypt, publicEncrypt, randomBytes,
  type KeyObject,
} from 'node:crypto';

/**
 * WeChat Pay API v3's cryptography, and nothing else: request signing (WECHATPAY2-SHA256-RSA2048),
 * verification of responses and notifications, the JSAPI `paySign`, AEAD_AES_256_GCM resources and
 * RSA-OAEP sensitive fields. Shared by the adapter (our side) and the simulator (WeChat's side), so
 * both speak the same bytes; checked against WeChat's own test vectors.
 */

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** Probe traffic from WeChat Pay carries signatures with this prefix; it must never verify. */
const PROBE_SIGNATURE_PREFIX = 'WECHATPAY/SIGNTEST/';

/** How far a response's or notification's timestamp may be from our clock. */
export const WECHATPAY_WINDOW_SECONDS = 300;

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 32 random characters, as WeChat Pay's nonce_str and Wechatpay-Nonce. */
export function nonceString(length = 32): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += NONCE_ALPHABET[byte % NONCE_ALPHABET.length];
  return out;
}

export function privateKeyFrom(pem: string | KeyObject): KeyObject {
  return typeof pem === 'string' ? createPrivateKey(pem) : pem;
}

/** A public key from a PEM public key or an X.509 certificate (platform certificate mode). */
export function publicKeyFrom(pem: string | KeyObject): KeyObject {
  return typeof pem === 'string' ? createPublicKey(pem) : pem;
}

/** SHA256withRSA (PKCS#1 v1.5, deterministic), base64. */
export function rsaSign(privateKey: string | KeyObject, message: string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKeyFrom(privateKey), 'base64');
}

export function rsaVerify(publicKey: string | KeyObject, message: string, signature: string): boolean {
  if (signature.startsWith(PROBE_SIGNATURE_PREFIX)) return false;
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKeyFrom(publicKey), signature, 'base64');
  } catch {
    return false;
  }
}

export interface SignedRequestParts {
  method: string;
  /** Absolute path plus `?query` exactly as sent, without the host. */
  url: string;
  timestamp: string;
  nonce: string;
  /** The exact bytes sent; empty for GET. */
  body: string;
}

export function requestMessage({ method, url, timestamp, nonce, body }: SignedRequestParts): string {
  return `${method.toUpperCase()}\n${url}\n${timestamp}\n${nonce}\n${body}\n`;
}

export interface MerchantIdentity {
  mchid: string;
  /** The merchant API certificate's serial number. */
  serial: string;
  privateKey: string | KeyObject;
}

/** The Authorization header for one request. */
export function authorization(merchant: MerchantIdentity, parts: SignedRequestParts): string {
  const signature = rsaSign(merchant.privateKey, requestMessage(parts));
  return `${AUTH_SCHEME} mchid="${merchant.mchid}",nonce_str="${parts.nonce}",signature="${signature}",timestamp="${parts.timestamp}",serial_no="${merchant.serial}"`;
}

/** Reads an Authorization header back into its fields (the simulator checks what merchants send). */
export function parseAuthorization(header: string | undefined): Record<'mchid' | 'nonce_str' | 'signature' | 'timestamp' | 'serial_no', string> | null {
  if (!header?.startsWith(`${AUTH_SCHEME} `)) return null;
  const fields: Record<string, string> = {};
  for (const match of header.slice(AUTH_SCHEME.length + 1).matchAll(/(\w+)="([^"]*)"/g)) fields[match[1]!] = match[2]!;
  const { mchid, nonce_str, signature, timestamp, serial_no } = fields;
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return null;
  return { mchid, nonce_str, signature, timestamp, serial_no };
}

export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** The headers WeChat Pay puts on a response or notification, signed with its platform key. */
export function signedHeaders(platform: { serial: string; privateKey: string | KeyObject }, body: string, timestamp: string, nonce = nonceString()): Record<string, string> {
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-serial': platform.serial,
    'wechatpay-signature': rsaSign(platform.privateKey, responseMessage(timestamp, nonce, body)),
    'wechatpay-signature-type': AUTH_SCHEME,
  };
}

export type VerificationFailure = 'missing_signature' | 'unknown_serial' | 'invalid_signature' | 'stale_timestamp';

export class WechatpayVerificationError extends Error {
  constructor(readonly reason: VerificationFailure) {
    super(`WeChat Pay signature check failed: ${reason}`);
    this.name = 'WechatpayVerificationError';
  }
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(value) ? value[0] : value;
}

export interface VerifiedHeaders { timestamp: string; nonce: string; serial: string; signedAt: Date }

/**
 * Checks a response or notification: the signature over the raw body with the key the serial names
 * (platform certificate serial or `PUB_KEY_ID_…`), and the timestamp within the window. A 2xx with no
 * signature is a forgery like any other.
 */
export function verifyWechatpay(
  headers: Headers,
  rawBody: string,
  keyOf: (serial: string) => KeyObject | string | undefined,
  now: Date,
  windowSeconds = WECHATPAY_WINDOW_SECONDS,
): VerifiedHeaders {
  const timestamp = header(headers, 'Wechatpay-Timestamp');
  const nonce = header(headers, 'Wechatpay-Nonce');
  const serial = header(headers, 'Wechatpay-Serial');
  const signature = header(headers, 'Wechatpay-Signature');
  if (!timestamp || !nonce || !serial || !signature) throw new WechatpayVerificationError('missing_signature');
  const key = keyOf(serial);
  if (key === undefined) throw new WechatpayVerificationError('unknown_serial');
  if (!rsaVerify(key, responseMessage(timestamp, nonce, rawBody), signature)) throw new WechatpayVerificationError('invalid_signature');
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(now.getTime() / 1000 - seconds) > windowSeconds) throw new WechatpayVerificationError('stale_timestamp');
  return { timestamp, nonce, serial, signedAt: new Date(seconds * 1000) };
}

export interface JsapiPayParams { appId: string; timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string }

/** What `WeixinJSBridge.invoke('getBrandWCPayRequest')` / `wx.requestPayment` take for one prepay id. */
export function jsapiPayParams(privateKey: string | KeyObject, appId: string, prepayId: string, timeStamp: string, nonceStr = nonceString()): JsapiPayParams {
  const pkg = `prepay_id=${prepayId}`;
  return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: rsaSign(privateKey, `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`) };
}

export function verifyPaySign(publicKey: string | KeyObject, params: Omit<JsapiPayParams, 'signType'>): boolean {
  return rsaVerify(publicKey, `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`, params.paySign);
}

export interface EncryptedResource { algorithm?: string; ciphertext: string; nonce: string; associated_data?: string | null | undefined; original_type?: string }

/**
 * The cipher follows the key's length: real APIv3 keys are 32 bytes (AES-256-GCM); WeChat's own
 * SDK test vectors use 16-byte keys (AES-128-GCM).
 */
function gcmFor(key: Buffer): 'aes-128-gcm' | 'aes-256-gcm' {
  if (key.length === 32) return 'aes-256-gcm';
  if (key.length === 16) return 'aes-128-gcm';
  throw new Error(`APIv3 key must be 32 bytes (got ${key.length})`);
}

const TAG_BYTES = 16;

export function decryptResource(apiv3Key: string, resource: EncryptedResource): string {
  const key = Buffer.from(apiv3Key, 'utf8');
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < TAG_BYTES) throw new Error('resource ciphertext is shorter than its tag');
  const decipher = createDecipheriv(gcmFor(key), key, Buffer.from(resource.nonce, 'utf8'));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** WeChat's side of decryptResource: ciphertext || tag, base64, with a 12-character nonce. */
export function encryptResource(apiv3Key: string, plaintext: string, associatedData: string, nonce = nonceString(12)): Required<Pick<EncryptedResource, 'algorithm' | 'ciphertext' | 'nonce'>> & { associated_data: string } {
  const key = Buffer.from(apiv3Key, 'utf8');
  const cipher = createCipheriv(gcmFor(key), key, Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: body.toString('base64'), nonce, associated_data: associatedData };
}

/** Sensitive request fields (a receiver's name in profit sharing): RSAES-OAEP with SHA-1 under WeChat Pay's public key. */
export function encryptSensitive(publicKey: string | KeyObject, plaintext: string): string {
  return publicEncrypt({ key: publicKeyFrom(publicKey), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(plaintext, 'utf8')).toString('base64');
}

/** WeChat's side of encryptSensitive. */
export function decryptSensitive(privateKey: string | KeyObject, ciphertext: string): string {
  return privateDecrypt({ key: privateKeyFrom(privateKey), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(ciphertext, 'base64')).toString('utf8');
}
