import http from 'node:http';
import https from 'node:https';

export type JsonPost = (url: string, headers: Record<string, string>, body: string) => Promise<{ status: number; body: string }>;

/**
 * A JSON POST over node:http(s) with keep-alive agents and a timeout: how the sandbox's payment
 * providers deliver their notifications to our hooks, as a real provider's servers would. Kept
 * off fetch because fetch's per-request cost showed in the journey benchmark.
 */
export function jsonPost(timeoutMs = 10_000, maxSockets = 64): JsonPost {
  const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets }), 'https:': new https.Agent({ keepAlive: true, maxSockets }) };
  return (url, headers, body) => new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const agent = agents[target.protocol as keyof typeof agents];
    if (!agent) { reject(new Error(`unsupported notification URL protocol ${target.protocol}`)); return; }
    const req = client.request(target, {
      method: 'POST', agent, timeout: timeoutMs,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`notification POST timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
