import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from './wechatpay.vectors.json' with { type: 'json' };
import {
  authorization, decryptResource, decryptSensitive, encryptResource, encryptSensitive, jsapiPayParams, parseAuthorization, requestMessage,
  rsaSign, rsaVerify, signedHeaders, verifyPaySign, verifyWechatpay, WechatpayVerificationError,
} from './wechatpay.crypto.js';

const { certificate_pem: CERT, private_key_pkcs8_pem: KEY, cert_serial: SERIAL } = vectors.test_keypair;
const keyOf = (serial: string) => (serial === SERIAL ? CERT : undefined);

function failure(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof WechatpayVerificationError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('WeChat Pay v3 signatures: the official and locally computed vectors', () => {
  it('signs "source" with the SDK test key exactly as the SDK does', () => {
    expect(rsaSign(KEY, vectors.rsa_sign.official_sdk.message)).toBe(vectors.rsa_sign.official_sdk.signature);
  });

  it('builds the JSAPI prepay and GET query messages byte for byte and signs them', () => {
    const { local_prepay: prepay, local_get: get } = vectors.rsa_sign;
    expect(requestMessage(prepay)).toBe(prepay.message);
    expect(rsaSign(KEY, prepay.message)).toBe(prepay.signature);
    expect(requestMessage({ method: 'GET', url: '/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109', timestamp: '1554208460', nonce: '593BEC0C930BF1AFEB40B4A08C8FB242', body: '' })).toBe(get.message);
    expect(rsaSign(KEY, get.message)).toBe(get.signature);
  });

  it('computes the paySign of the client pay parameters', () => {
    const v = vectors.rsa_sign.local_paysign;
    const params = jsapiPayParams(KEY, v.appId, v.package.replace('prepay_id=', ''), v.timeStamp, v.nonceStr);
    expect(params).toEqual({ appId: v.appId, timeStamp: v.timeStamp, nonceStr: v.nonceStr, package: v.package, signType: 'RSA', paySign: v.paySign });
    expect(verifyPaySign(CERT, params)).toBe(true);
    expect(verifyPaySign(CERT, { ...params, package: 'prepay_id=other' })).toBe(false);
  });

  it('writes the Authorization header and reads it back', () => {
    const v = vectors.rsa_sign.local_prepay;
    const header = authorization({ mchid: '1230000109', serial: 'ABC123', privateKey: KEY }, v);
    expect(header).toBe(`WECHATPAY2-SHA256-RSA2048 mchid="1230000109",nonce_str="${v.nonce}",signature="${v.signature}",timestamp="${v.timestamp}",serial_no="ABC123"`);
    expect(parseAuthorization(header)).toEqual({ mchid: '1230000109', nonce_str: v.nonce, signature: v.signature, timestamp: v.timestamp, serial_no: 'ABC123' });
    expect(parseAuthorization('Bearer x')).toBeNull();
  });
});

describe('WeChat Pay v3 notifications and resources', () => {
  it('decrypts the SDK AES-GCM vector (a 16-byte key means AES-128-GCM)', () => {
    const v = vectors.aes_gcm_official;
    expect(decryptResource(v.apiv3_key, { ciphertext: v.ciphertext, nonce: v.nonce, associated_data: v.associated_data })).toBe(v.plaintext);
  });

  it('verifies and decrypts the official signed notification', () => {
    const v = vectors.notify_official;
    const at = new Date(Number(v.headers['Wechatpay-Timestamp']) * 1000 + 60_000);
    expect(verifyWechatpay(v.headers, v.body, keyOf, at).serial).toBe(SERIAL);
    const resource = (JSON.parse(v.body) as { resource: { ciphertext: string; nonce: string; associated_data: string } }).resource;
    expect(decryptResource(v.apiv3_key, resource)).toBe(v.expected_plaintext);
  });

  it('verifies and decrypts a TRANSACTION.SUCCESS notification under a 32-byte key (AES-256-GCM)', () => {
    const v = vectors.transaction_notify_local;
    const at = new Date(Number(v.headers['Wechatpay-Timestamp']) * 1000);
    verifyWechatpay(v.headers, v.body, keyOf, at);
    const body = JSON.parse(v.body) as { event_type: string; resource: { ciphertext: string; nonce: string; associated_data: string } };
    expect(body.event_type).toBe('TRANSACTION.SUCCESS');
    expect(decryptResource(v.apiv3_key, body.resource)).toBe(v.expected_plaintext);
  });

  it('refuses an altered body, an unknown serial, a stale timestamp, a missing header and probe signatures', () => {
    const v = vectors.notify_official;
    const at = new Date(Number(v.headers['Wechatpay-Timestamp']) * 1000);
    expect(failure(() => verifyWechatpay(v.headers, v.body.replace('payscore', 'payscorf'), keyOf, at))).toBe('invalid_signature');
    expect(failure(() => verifyWechatpay({ ...v.headers, 'Wechatpay-Serial': 'FFFF' }, v.body, keyOf, at))).toBe('unknown_serial');
    expect(failure(() => verifyWechatpay(v.headers, v.body, keyOf, new Date(at.getTime() + 301_000)))).toBe('stale_timestamp');
    expect(failure(() => verifyWechatpay(v.headers, v.body, keyOf, new Date(at.getTime() - 301_000)))).toBe('stale_timestamp');
    expect(failure(() => verifyWechatpay({ ...v.headers, 'Wechatpay-Signature': undefined }, v.body, keyOf, at))).toBe('missing_signature');
    expect(failure(() => verifyWechatpay({ ...v.headers, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${v.headers['Wechatpay-Signature']}` }, v.body, keyOf, at))).toBe('invalid_signature');
  });

  it('refuses a resource whose ciphertext, nonce or associated data was changed, and a key of the wrong length', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz012345';
    const sealed = encryptResource(key, '{"a":1}', 'transaction');
    expect(() => decryptResource(key, { ...sealed, associated_data: 'refund' })).toThrow();
    expect(() => decryptResource(key, { ...sealed, nonce: 'AAAAAAAAAAAA' })).toThrow();
    expect(() => decryptResource('short', sealed)).toThrow(/32 bytes/);
  });
});

describe('WeChat Pay v3 round trips (random payloads)', () => {
  it('sign → verify holds for any body and timestamp, and fails for any other body', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }), (body, extra, seconds) => {
      const headers = signedHeaders({ serial: SERIAL, privateKey: KEY }, body, String(seconds));
      const now = new Date(seconds * 1000);
      expect(verifyWechatpay(headers, body, keyOf, now).timestamp).toBe(String(seconds));
      expect(failure(() => verifyWechatpay(headers, body + extra, keyOf, now))).toBe('invalid_signature');
    }), { numRuns: 40 });
  });

  it('encrypt → decrypt holds for any plaintext and associated data, with 32- and 16-byte keys', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 500 }), fc.string({ maxLength: 40 }), fc.boolean(), (plaintext, aad, long) => {
      const key = long ? '0123456789abcdef0123456789abcdef' : '0123456789abcdef';
      expect(decryptResource(key, encryptResource(key, plaintext, aad))).toBe(plaintext);
    }), { numRuns: 100 });
  });

  it('sensitive fields: OAEP encrypt with the public key, decrypt with the private key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (name) => {
      expect(decryptSensitive(privateKey, encryptSensitive(publicKey, name))).toBe(name);
    }), { numRuns: 10 });
    expect(decryptSensitive(KEY, encryptSensitive(CERT, '张三'))).toBe('张三');
  });

  it('a signature by another key does not verify', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(rsaVerify(CERT, 'message', rsaSign(privateKey, 'message'))).toBe(false);
  });
});
