import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tc3Sign, tencentPhone, tencentSms } from './tencent.sms.js';

/**
 * The worked example of Tencent Cloud's "Signature v3" page (DescribeInstances on
 * cvm.tencentcloudapi.com at 1551113065, SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE): its payload
 * hash, canonical request, string to sign, signature and Authorization, byte for byte.
 */
const DOC = {
  secretId: 'AKID**********************0123456789EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  service: 'cvm',
  host: 'cvm.tencentcloudapi.com',
  timestamp: 1551113065,
  payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
};

describe('Tencent Cloud TC3-HMAC-SHA256 signature', () => {
  it('reproduces the documented example step by step', () => {
    const signed = tc3Sign(DOC);
    expect(createHash('sha256').update(DOC.payload).digest('hex')).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(signed.canonicalRequest).toBe('POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(signed.stringToSign).toBe('TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    expect(signed.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(signed.authorization).toBe('TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
  });

  it('sends SendSms (2021-01-11) signed for the sms service, the phone in E.164, the code in TemplateParamSet', async () => {
    const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
    const provider = tencentSms({
      now: () => new Date(1_790_000_000_000),
      fetch: async (url, init) => {
        calls.push({ url, headers: init.headers!, body: init.body! });
        return { status: 200, text: async () => JSON.stringify({ Response: { SendStatusSet: [{ Code: 'Ok', SerialNo: 'serial-1', Message: 'send success' }], RequestId: 'r' } }) };
      },
    });
    const account = { accessKeyId: 'AKIDx', accessKeySecret: 'secret', signName: '私域', templateCode: '1234567', sdkAppId: '1400000000', region: '' };
    expect(await provider.send(account, { phone: '13900000001', params: [{ name: 'code', value: '654321' }], text: '' })).toEqual({ providerMessageId: 'serial-1' });
    const call = calls[0]!;
    expect(call.url).toBe('https://sms.tencentcloudapi.com/');
    expect(JSON.parse(call.body)).toEqual({ PhoneNumberSet: ['+8613900000001'], SmsSdkAppId: '1400000000', SignName: '私域', TemplateId: '1234567', TemplateParamSet: ['654321'] });
    expect(call.headers).toMatchObject({ 'x-tc-action': 'SendSms', 'x-tc-version': '2021-01-11', 'x-tc-region': 'ap-guangzhou', 'x-tc-timestamp': '1790000000' });
    expect(call.headers.authorization).toBe(tc3Sign({ secretId: 'AKIDx', secretKey: 'secret', service: 'sms', host: 'sms.tencentcloudapi.com', timestamp: 1_790_000_000, payload: call.body }).authorization);

    const refusing = tencentSms({ fetch: async () => ({ status: 200, text: async () => JSON.stringify({ Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad' }, RequestId: 'r' } }) }) });
    await expect(refusing.send(account, { phone: '1', params: [], text: '' })).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure', retryable: false });
    expect(tencentPhone('+85291234567')).toBe('+85291234567');
  });
});
