import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * WeCom's callback crypto (WXBizMsgCrypt), byte for byte as Tencent's sample library: AES-256-CBC
 * keyed by the 43-character EncodingAESKey (base64 of 32 bytes, IV = its first 16 bytes), PKCS#7
 * padding to 32-byte blocks done by hand, plaintext = 16 random bytes ‖ uint32 BE length ‖ message
 * ‖ ReceiveId, and msg_signature = SHA-1 hex of the four strings (token, timestamp, nonce,
 * ciphertext) sorted and joined.
 */

/** The sample library's error codes, so a log line reads the same as WeCom's documentation. */
export const WECOM_CRYPTO_ERROR = {
  signature: -40001, xml: -40002, aesKey: -40004, receiveId: -40005, decrypt: -40007, buffer: -40008,
} as const;
export type WecomCryptoErrorKind = keyof typeof WECOM_CRYPTO_ERROR;

export class WecomCryptoError extends Error {
  readonly code: number;
  constructor(readonly kind: WecomCryptoErrorKind, message: string) {
    super(message);
    this.name = 'WecomCryptoError';
    this.code = WECOM_CRYPTO_ERROR[kind];
  }
}

const BLOCK = 32;
export const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

export interface WecomCryptoConfig { token: string; encodingAesKey: string; receiveId: string }

export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!ENCODING_AES_KEY.test(encodingAesKey)) throw new WecomCryptoError('aesKey', 'EncodingAESKey must be 43 letters or digits');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WecomCryptoError('aesKey', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

export function wecomSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
}

/** Constant-length comparison of two hex signatures (both are public-length SHA-1 hex). */
function sameSignature(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function wecomCrypto(config: WecomCryptoConfig) {
  const key = aesKeyOf(config.encodingAesKey);
  const iv = key.subarray(0, 16);

  function encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const plain = Buffer.concat([random, length, body, Buffer.from(config.receiveId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  function decrypt(encrypted: string): string {
    if (!BASE64.test(encrypted) || encrypted.length % 4 !== 0) throw new WecomCryptoError('decrypt', 'ciphertext is not base64');
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new WecomCryptoError('decrypt', 'ciphertext is not whole AES blocks');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new WecomCryptoError('decrypt', 'AES decryption failed');
    }
    // As the sample: a pad byte outside 1..32 counts as no padding.
    let pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK) pad = 0;
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < 20) throw new WecomCryptoError('buffer', 'plaintext too short');
    const length = content.readUInt32BE(16);
    if (20 + length > content.length) throw new WecomCryptoError('buffer', 'message length beyond the plaintext');
    const message = content.subarray(20, 20 + length);
    const receiveId = content.subarray(20 + length).toString('utf8');
    if (receiveId !== config.receiveId) throw new WecomCryptoError('receiveId', 'ReceiveId does not match');
    return message.toString('utf8');
  }

  function verify(signature: string, timestamp: string, nonce: string, encrypted: string): void {
    if (!sameSignature(wecomSignature(config.token, timestamp, nonce, encrypted), String(signature).toLowerCase())) {
      throw new WecomCryptoError('signature', 'msg_signature does not match');
    }
  }

  return {
    encrypt,
    decrypt,
    /** URL verification (GET): checks the signature over echostr and answers its plaintext. */
    verifyUrl(q: { msg_signature: string; timestamp: string; nonce: string; echostr: string }): string {
      verify(q.msg_signature, q.timestamp, q.nonce, q.echostr);
      return decrypt(q.echostr);
    },
    /** A callback POST: the outer XML's Encrypt checked against msg_signature, then decrypted. */
    decryptMessage(q: { msg_signature: string; timestamp: string; nonce: string }, postBody: string): string {
      const encrypted = xmlText(postBody, 'Encrypt');
      if (encrypted === undefined) throw new WecomCryptoError('xml', 'no Encrypt element');
      verify(q.msg_signature, q.timestamp, q.nonce, encrypted);
      return decrypt(encrypted);
    },
    /** What WeCom sends: the encrypted message in the outer XML, with its signature. */
    encryptMessage(message: string, timestamp: string, nonce: string, random?: Buffer) {
      const encrypted = encrypt(message, random);
      const signature = wecomSignature(config.token, timestamp, nonce, encrypted);
      return { encrypted, signature, body: `<xml><ToUserName><![CDATA[${config.receiveId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>` };
    },
  };
}
export type WecomCrypto = ReturnType<typeof wecomCrypto>;

/**
 * The text of a top-level element of WeCom's flat XML (`<Name><![CDATA[v]]></Name>` or
 * `<Name>v</Name>`). WeCom's messages are one level deep (a list nests `<Item>`s), so a strict
 * reader of that shape is all we need; anything else is malformed.
 */
export function xmlText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  if (!m) return undefined;
  return m[1] ?? decodeEntities(m[2] ?? '');
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!);
}

const ELEMENT = /<([A-Za-z][A-Za-z0-9_]*)>(?:((?:<!\[CDATA\[[\s\S]*?\]\]>)+)|([^<]*)|((?:\s*<Item>(?:<!\[CDATA\[[\s\S]*?\]\]>|[^<]*)<\/Item>)*\s*))<\/\1>/y;

/**
 * Parses `<xml>…</xml>` one level deep into element → text (lists of `<Item>` → string[]),
 * refusing anything else: unknown nesting, text outside elements, an unclosed tag.
 */
export function parseFlatXml(xml: string): Record<string, string | string[]> {
  const trimmed = xml.trim();
  if (!trimmed.startsWith('<xml>') || !trimmed.endsWith('</xml>')) throw new WecomCryptoError('xml', 'not an <xml> document');
  const inner = trimmed.slice(5, -6);
  const out: Record<string, string | string[]> = {};
  let at = 0;
  while (at < inner.length) {
    const ws = /\s*/y;
    ws.lastIndex = at;
    ws.exec(inner);
    at = ws.lastIndex;
    if (at >= inner.length) break;
    ELEMENT.lastIndex = at;
    const m = ELEMENT.exec(inner);
    if (!m) throw new WecomCryptoError('xml', `malformed XML at ${at}`);
    const [, name, cdata, text, items] = m;
    if (items !== undefined && items.trim() !== '') {
      out[name!] = [...items.matchAll(/<Item>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/Item>/g)].map((i) => i[1] ?? decodeEntities(i[2] ?? ''));
    } else {
      // A value holding "]]>" is split into adjacent CDATA sections.
      out[name!] = cdata !== undefined ? [...cdata.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((c) => c[1]).join('') : decodeEntities(text ?? '');
    }
    at = ELEMENT.lastIndex;
  }
  return out;
}
