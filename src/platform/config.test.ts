import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('config', () => {
  it('SIYU_PUBLIC_URL: an http(s) base URL without trailing slash, unset by default, anything else refused', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ SIYU_PUBLIC_URL: 'https://shop.example.com/' }).publicUrl).toBe('https://shop.example.com');
    expect(loadConfig({ SIYU_PUBLIC_URL: 'http://10.0.0.5:3000' }).publicUrl).toBe('http://10.0.0.5:3000');
    for (const bad of ['shop.example.com', 'ftp://shop.example.com']) expect(() => loadConfig({ SIYU_PUBLIC_URL: bad }), bad).toThrow(/SIYU_PUBLIC_URL/);
  });

  it('SIYU_TRUST_PROXY: nobody by default; true, a number of hops, or a list of addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ SIYU_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ SIYU_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ SIYU_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).trustProxy).toEqual(['10.0.0.1', '10.1.0.0/16']);
  });

  it('limits: per-address limits on by default, lockouts never off', () => {
    const { limits } = loadConfig({});
    expect(limits).toMatchObject({ perAddress: true, scale: 1, loginMaxFailures: 5, pickupMaxFailures: 5 });
    expect(loadConfig({ SIYU_RATE_LIMITS: 'off' }).limits).toMatchObject({ perAddress: false, loginMaxFailures: 5, pickupMaxFailures: 5 });
    for (const name of ['SIYU_LOGIN_MAX_FAILURES', 'SIYU_PICKUP_MAX_FAILURES', 'SIYU_LOGIN_LOCK_SECONDS']) expect(() => loadConfig({ [name]: '0' }), name).toThrow(name);
  });
});
