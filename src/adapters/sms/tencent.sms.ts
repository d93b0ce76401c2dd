import { createHash, createHmac } from 'node:crypto';
import { SmsSendError, type HttpFetch, type SmsProvider } from '../../modules/messaging/messaging.provider.js';

/**
 * Tencent Cloud SMS (API 3.0, SendSms version 2021-01-11), signed with TC3-HMAC-SHA256:
 * a canonical request (method, URI, query, the signed headers, the payload's SHA-256), the string
 * to sign (algorithm, timestamp, credential scope, the canonical request's SHA-256), and a key
 * derived from the SecretKey through the UTC date, the service and "tc3_request".
 */
export const TENCENT_SMS_HOST = 'sms.tencentcloudapi.com';
const CONTENT_TYPE = 'application/json; charset=utf-8';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

export interface Tc3Input { secretId: string; secretKey: string; service: string; host: string; timestamp: number; payload: string }

export function tc3Sign(input: Tc3Input) {
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host';
  const canonicalRequest = ['POST', '/', '', `content-type:${CONTENT_TYPE}\nhost:${input.host}\n`, signedHeaders, sha256Hex(input.payload)].join('\n');
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  const authorization = `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization };
}

/** Tencent takes E.164: a bare 11-digit mainland number gets +86. */
export function tencentPhone(phone: string): string {
  if (phone.startsWith('+')) return phone;
  return /^1\d{10}$/.test(phone) ? `+86${phone}` : `+${phone}`;
}

export function tencentSms(deps: { fetch?: HttpFetch; now?: () => Date; host?: string } = {}): SmsProvider {
  const http = deps.fetch ?? (fetch as unknown as HttpFetch);
  const host = deps.host ?? TENCENT_SMS_HOST;
  return {
    name: 'tencent',
    async send(account, request) {
      const payload = JSON.stringify({
        PhoneNumberSet: [tencentPhone(request.phone)],
        SmsSdkAppId: account.sdkAppId,
        SignName: account.signName,
        TemplateId: account.templateCode,
        TemplateParamSet: request.params.map((p) => p.value),
      });
      const timestamp = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
      const { authorization } = tc3Sign({ secretId: account.accessKeyId, secretKey: account.accessKeySecret, service: 'sms', host, timestamp, payload });
      let res: { status: number; text(): Promise<string> };
      try {
        res = await http(`https://${host}/`, {
          method: 'POST',
          headers: {
            authorization, 'content-type': CONTENT_TYPE, 'x-tc-action': 'SendSms', 'x-tc-timestamp': String(timestamp),
            'x-tc-version': '2021-01-11', 'x-tc-region': account.region || 'ap-guangzhou',
          },
          body: payload,
        });
      } catch (err) {
        throw new SmsSendError('network', String(err), true);
      }
      const text = await res.text();
      if (res.status >= 500) throw new SmsSendError(`http_${res.status}`, text.slice(0, 200), true);
      let body: { Response?: { Error?: { Code: string; Message: string }; SendStatusSet?: { Code: string; Message: string; SerialNo: string }[]; RequestId?: string } } = {};
      try { body = JSON.parse(text); } catch { /* answered below */ }
      const response = body.Response;
      if (!response) throw new SmsSendError(`http_${res.status}`, text.slice(0, 200), res.status >= 500);
      if (response.Error) throw new SmsSendError(response.Error.Code, response.Error.Message, response.Error.Code.startsWith('InternalError'));
      const status = response.SendStatusSet?.[0];
      if (!status || status.Code !== 'Ok') throw new SmsSendError(status?.Code ?? 'no_status', status?.Message ?? 'no send status', false);
      return { providerMessageId: status.SerialNo };
    },
  };
}
