/**
 * Where mini-program codes come from: WeChat's getwxacodeunlimit (or the sandbox's simulator of
 * it), through the tenant's server access token. A provider unit implements it; the module sees
 * PNG bytes or a refusal, never tokens or WeChat's error codes.
 */
export interface WxaCodeProvider {
  unlimitedCode(tenantId: string, request: { scene: string; page: string; width: number }): Promise<Buffer>;
}

/** WeChat refused to draw the code (an invalid page, no mini-program configured, a bad token). */
export class WxaCodeError extends Error {
  constructor(readonly reason: 'not_configured' | 'refused', message: string) {
    super(message);
    this.name = 'WxaCodeError';
  }
}
