import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import vectors from './wecom.vectors.json' with { type: 'json' };
import { aesKeyOf, parseFlatXml, WECOM_CRYPTO_ERROR, WecomCryptoError, wecomCrypto, wecomSignature } from './wecom.crypto.js';

const official = vectors.official;
const crypto = wecomCrypto({ token: official.token, encodingAesKey: official.encoding_aes_key, receiveId: official.receive_id });

function cryptoError(fn: () => unknown): WecomCryptoError {
  try { fn(); } catch (err) { if (err instanceof WecomCryptoError) return err; throw err; }
  throw new Error('expected a WecomCryptoError');
}

describe('WXBizMsgCrypt, the official vectors', () => {
  it('derives the AES key from the EncodingAESKey', () => {
    expect(aesKeyOf(official.encoding_aes_key).toString('hex')).toBe(official.aes_key_hex);
  });

  it('answers URL verification with the plaintext of echostr', () => {
    expect(crypto.verifyUrl(official.verify_url)).toBe(official.verify_url.expected_reply);
  });

  it('checks and decrypts the sample message', () => {
    const q = official.decrypt;
    expect(crypto.decryptMessage(q, q.post_body)).toBe(q.expected_msg);
  });

  it('encrypts as the sample does given the same random prefix', () => {
    const local = vectors.local_encrypt;
    const sent = crypto.encryptMessage(official.decrypt.expected_msg, local.timestamp, local.nonce, Buffer.from(local.random_ascii, 'ascii'));
    expect(sent.encrypted).toBe(local.encrypt);
    expect(sent.signature).toBe(local.msg_signature);
    expect(wecomSignature(official.token, local.timestamp, local.nonce, local.encrypt)).toBe(local.msg_signature);
  });
});

describe('WXBizMsgCrypt, refusals with the sample library\'s codes', () => {
  it('a forged signature is -40001', () => {
    const err = cryptoError(() => crypto.verifyUrl({ ...official.verify_url, msg_signature: '0'.repeat(40) }));
    expect(err.code).toBe(WECOM_CRYPTO_ERROR.signature);
  });

  it('another corp\'s ReceiveId is -40005', () => {
    const other = wecomCrypto({ token: official.token, encodingAesKey: official.encoding_aes_key, receiveId: 'wwOTHERCORP' });
    expect(cryptoError(() => other.verifyUrl(official.verify_url)).code).toBe(WECOM_CRYPTO_ERROR.receiveId);
  });

  it('ciphertext that is not base64 or not whole blocks is -40007', () => {
    const ts = '1', nonce = 'n';
    for (const bad of ['not base64!', 'AAAA']) {
      const sig = wecomSignature(official.token, ts, nonce, bad);
      expect(cryptoError(() => crypto.verifyUrl({ msg_signature: sig, timestamp: ts, nonce, echostr: bad })).code).toBe(WECOM_CRYPTO_ERROR.decrypt);
    }
  });

  it('a body without Encrypt, or malformed inner XML, is -40002', () => {
    expect(cryptoError(() => crypto.decryptMessage(official.decrypt, '<xml><ToUserName>x</ToUserName></xml>')).code).toBe(WECOM_CRYPTO_ERROR.xml);
    expect(cryptoError(() => parseFlatXml('<xml><A>1</B></xml>')).code).toBe(WECOM_CRYPTO_ERROR.xml);
    expect(cryptoError(() => parseFlatXml('<xml><A><B>1</B></A></xml>')).code).toBe(WECOM_CRYPTO_ERROR.xml);
    expect(cryptoError(() => parseFlatXml('hello')).code).toBe(WECOM_CRYPTO_ERROR.xml);
  });

  it('an EncodingAESKey that is not 43 letters or digits is -40004', () => {
    expect(cryptoError(() => aesKeyOf('short')).code).toBe(WECOM_CRYPTO_ERROR.aesKey);
  });
});

describe('WXBizMsgCrypt round trips', () => {
  it('random UTF-8 messages, keys and corp ids decrypt to themselves', () => {
    const keyChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split(''));
    fc.assert(fc.property(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.array(keyChar, { minLength: 42, maxLength: 42 }),
      fc.stringMatching(/^ww[0-9a-f]{4,16}$/),
      (message, keyChars, corpId) => {
        // The 43rd character only carries 4 bits of key: one whose low bits are zero, as a real key.
        const encodingAesKey = `${keyChars.join('')}A`;
        const c = wecomCrypto({ token: 'tok', encodingAesKey, receiveId: corpId });
        const sent = c.encryptMessage(message, '1700000000', 'nonce');
        expect(c.decryptMessage({ msg_signature: sent.signature, timestamp: '1700000000', nonce: 'nonce' }, sent.body)).toBe(message);
      },
    ), { numRuns: 300 });
  });

  it('reads the flat event XML with CDATA, plain text and Item lists', () => {
    expect(parseFlatXml('<xml><ToUserName><![CDATA[ww1]]></ToUserName>\n<CreateTime>1403610513</CreateTime><MemChangeList><Item><![CDATA[wmA]]></Item><Item>wmB</Item></MemChangeList><Name>a &amp; b</Name></xml>'))
      .toEqual({ ToUserName: 'ww1', CreateTime: '1403610513', MemChangeList: ['wmA', 'wmB'], Name: 'a & b' });
  });
});

describe('callback events', () => {
  it('an event survives building, parsing and the round trip through the crypto', async () => {
    const { parseWecomEvent, wecomEventXml } = await import('./wecom.events.js');
    const event = {
      corpId: official.receive_id, createTime: 1700000000, event: 'change_external_chat', changeType: 'update', chatId: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA',
      updateDetail: 'add_member', joinScene: 3, memChangeCnt: 2, memChangeList: ['wmA', 'woB'],
    };
    const sent = crypto.encryptMessage(wecomEventXml(event), '1700000000', 'n1');
    expect(parseWecomEvent(crypto.decryptMessage({ msg_signature: sent.signature, timestamp: '1700000000', nonce: 'n1' }, sent.body))).toEqual(event);
    expect(parseWecomEvent(wecomEventXml({ corpId: 'ww1', createTime: 1, event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhang', externalUserId: 'wmX', state: 'store]]>1', welcomeCode: 'W' })))
      .toMatchObject({ userId: 'zhang', externalUserId: 'wmX', state: 'store]]>1', welcomeCode: 'W' });
    expect(() => parseWecomEvent(official.decrypt.expected_msg)).toThrow(WecomCryptoError);
  });
});
