import { describe, expect, it } from 'vitest';
import { aliyunPhone, aliyunSms, canonicalQuery, percentEncode, sendSmsUrl, signRpc, stringToSign } from './aliyun.sms.js';
import { SmsSendError } from '../../modules/messaging/messaging.provider.js';

/**
 * The worked example of Aliyun SMS's "HTTP 协议及签名" page (help.aliyun.com/document_detail/56189,
 * SendSms with AccessKeyId testId and secret testSecret): its string to sign, signature and signed
 * URL, byte for byte.
 */
const DOC_PARAMS = {
  AccessKeyId: 'testId', Action: 'SendSms', Format: 'XML', OutId: '123', PhoneNumbers: '15300000001', RegionId: 'cn-hangzhou',
  SignName: '阿里云短信测试专用', SignatureMethod: 'HMAC-SHA1', SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466', SignatureVersion: '1.0',
  TemplateCode: 'SMS_71390007', TemplateParam: '{"customer":"test"}', Timestamp: '2017-07-12T02:42:19Z', Version: '2017-05-25',
};
const DOC_STRING_TO_SIGN = 'GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25';
const DOC_URL = 'http://dysmsapi.aliyuncs.com/?Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25';

describe('Aliyun SMS signature (RPC, HMAC-SHA1, version 1.0)', () => {
  it('reproduces the documented SendSms example: string to sign, signature, URL', () => {
    expect(stringToSign('GET', DOC_PARAMS)).toBe(DOC_STRING_TO_SIGN);
    expect(signRpc('testSecret', DOC_STRING_TO_SIGN)).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
    expect(sendSmsUrl(DOC_PARAMS, 'testSecret', 'http://dysmsapi.aliyuncs.com/')).toBe(DOC_URL);
  });

  it('encodes by RFC 3986 (space %20, * %2A, ~ kept), sorts by name and leaves Signature out', () => {
    expect(percentEncode('a b*c~d!\'()')).toBe('a%20b%2Ac~d%21%27%28%29');
    expect(canonicalQuery({ b: '2', a: '1', Signature: 'x' })).toBe('a=1&b=2');
  });

  it('sends SendSms with the account, the phone without +86 and the code as TemplateParam; a refusal is final', async () => {
    const calls: string[] = [];
    const provider = aliyunSms({
      now: () => new Date('2026-11-01T08:00:00.123Z'), nonce: () => 'nonce-1',
      fetch: async (url) => { calls.push(url); return { status: 200, text: async () => JSON.stringify({ Code: 'OK', BizId: 'biz-1', RequestId: 'r' }) }; },
    });
    const account = { accessKeyId: 'LTAIkey', accessKeySecret: 'sec', signName: '私域', templateCode: 'SMS_1', sdkAppId: '', region: '' };
    expect(await provider.send(account, { phone: '+8613900000001', params: [{ name: 'code', value: '123456' }], text: '' })).toEqual({ providerMessageId: 'biz-1' });
    const url = new URL(calls[0]!);
    expect(url.origin).toBe('https://dysmsapi.aliyuncs.com');
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({ Action: 'SendSms', PhoneNumbers: '13900000001', SignName: '私域', TemplateCode: 'SMS_1', TemplateParam: '{"code":"123456"}', Timestamp: '2026-11-01T08:00:00Z', AccessKeyId: 'LTAIkey' });
    const { Signature, ...rest } = q;
    expect(Signature).toBe(signRpc('sec', stringToSign('GET', rest)));

    const refusing = aliyunSms({ fetch: async () => ({ status: 200, text: async () => JSON.stringify({ Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: 'bad number' }) }) });
    await expect(refusing.send(account, { phone: '1', params: [], text: '' })).rejects.toMatchObject({ code: 'isv.MOBILE_NUMBER_ILLEGAL', retryable: false });
    const down = aliyunSms({ fetch: async () => ({ status: 503, text: async () => 'busy' }) });
    await expect(down.send(account, { phone: '1', params: [], text: '' })).rejects.toBeInstanceOf(SmsSendError);
    await expect(down.send(account, { phone: '1', params: [], text: '' })).rejects.toMatchObject({ retryable: true });
    expect(aliyunPhone('+85291234567')).toBe('85291234567');
  });
});
