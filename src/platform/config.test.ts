import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('config', () => {
  it('SIYU_PUBLIC_URL: an http(s) base URL without trailing slash, unset by default, anything else refused', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ SIYU_PUBLIC_URL: 'https://shop.example.com/' }).publicUrl).toBe('https://shop.example.com');
    expect(loadConfig({ SIYU_PUBLIC_URL: 'http://10.0.0.5:3000' }).publicUrl).toBe('http://10.0.0.5:3000');
    for (const bad of ['shop.example.com', 'ftp://shop.example.com']) expect(() => loadConfig({ SIYU_PUBLIC_URL: bad }), bad).toThrow(/SIYU_PUBLIC_URL/);
  });
});
