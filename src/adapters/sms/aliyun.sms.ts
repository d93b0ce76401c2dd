import { createHmac, randomUUID } from 'node:crypto';
import { SmsSendError, type HttpFetch, type SmsProvider } from '../../modules/messaging/messaging.provider.js';

/**
 * Aliyun SMS (dysmsapi, version 2017-05-25), its RPC API with signature version 1.0 (HMAC-SHA1):
 * every parameter but Signature sorted by name, each name and value percent-encoded (RFC 3986:
 * only A–Z a–z 0–9 - _ . ~ stay as they are), joined with & and =, and signed as
 * `GET&%2F&` + the encoded query, with the AccessKey secret plus "&" as the key.
 */
export const ALIYUN_SMS_ENDPOINT = 'https://dysmsapi.aliyuncs.com/';

export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params).filter((k) => k !== 'Signature').sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`).join('&');
}

export function stringToSign(method: 'GET' | 'POST', params: Record<string, string>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
}

export function signRpc(accessKeySecret: string, text: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(text, 'utf8').digest('base64');
}

/** The signed GET URL of one SendSms call. */
export function sendSmsUrl(params: Record<string, string>, accessKeySecret: string, endpoint = ALIYUN_SMS_ENDPOINT): string {
  const signature = signRpc(accessKeySecret, stringToSign('GET', params));
  return `${endpoint}?Signature=${percentEncode(signature)}&${canonicalQuery(params)}`;
}

/** Aliyun takes mainland numbers bare and others with their country code, never with "+". */
export function aliyunPhone(phone: string): string {
  if (phone.startsWith('+86')) return phone.slice(3);
  return phone.replace(/^\+/, '');
}

export function aliyunSms(deps: { fetch?: HttpFetch; now?: () => Date; nonce?: () => string; endpoint?: string } = {}): SmsProvider {
  const http = deps.fetch ?? (fetch as unknown as HttpFetch);
  return {
    name: 'aliyun',
    async send(account, request) {
      const params: Record<string, string> = {
        AccessKeyId: account.accessKeyId,
        Action: 'SendSms',
        Format: 'JSON',
        PhoneNumbers: aliyunPhone(request.phone),
        RegionId: account.region || 'cn-hangzhou',
        SignName: account.signName,
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: deps.nonce?.() ?? randomUUID(),
        SignatureVersion: '1.0',
        TemplateCode: account.templateCode,
        TemplateParam: JSON.stringify(Object.fromEntries(request.params.map((p) => [p.name, p.value]))),
        Timestamp: (deps.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Version: '2017-05-25',
      };
      let res: { status: number; text(): Promise<string> };
      try {
        res = await http(sendSmsUrl(params, account.accessKeySecret, deps.endpoint), { method: 'GET' });
      } catch (err) {
        throw new SmsSendError('network', String(err), true);
      }
      const text = await res.text();
      let body: { Code?: string; Message?: string; BizId?: string; RequestId?: string } = {};
      try { body = JSON.parse(text); } catch { /* answered below */ }
      if (res.status >= 500) throw new SmsSendError(body.Code ?? `http_${res.status}`, body.Message ?? text.slice(0, 200), true);
      if (body.Code !== 'OK') throw new SmsSendError(body.Code ?? `http_${res.status}`, body.Message ?? text.slice(0, 200), false);
      return { providerMessageId: body.BizId ?? body.RequestId ?? '' };
    },
  };
}
