/**
 * What an SMS provider adapter offers. Adapters speak the provider's protocol (request signing,
 * field names, status codes); the messaging module only sees these shapes.
 */
export interface SmsAccount {
  accessKeyId: string;
  accessKeySecret: string;
  /** The approved signature (签名) shown as 【…】 before the text. */
  signName: string;
  /** The approved template: Aliyun's TemplateCode (SMS_…), Tencent's TemplateId. */
  templateCode: string;
  /** Tencent's SmsSdkAppId; unused by Aliyun. */
  sdkAppId: string;
  region: string;
}

export interface SmsRequest {
  /** Digits with an optional leading +; a bare 11-digit number is a mainland China mobile. */
  phone: string;
  /** The template's variables in order; the one-time code template has one, `code`. */
  params: { name: string; value: string }[];
  /** The text as we would write it, for providers that take text rather than templates (the sandbox). */
  text: string;
}

export interface SmsSent { providerMessageId: string }

export interface SmsProvider {
  readonly name: 'sandbox' | 'aliyun' | 'tencent';
  /** Sends one message; throws SmsSendError when the provider refuses it. Called outside any transaction. */
  send(account: SmsAccount, request: SmsRequest): Promise<SmsSent>;
}

/** The provider refused or could not be reached; `code` is the provider's own. */
export class SmsSendError extends Error {
  constructor(readonly code: string, message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/** A minimal fetch, so adapters can be tested without the network. */
export type HttpFetch = (url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }) => Promise<{ status: number; text(): Promise<string> }>;
