import http from 'node:http';
import https from 'node:https';
import type { SimPost } from './simulator.core.js';

const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }) };

/** The simulator's HTTP(S) POST of a notification to the merchant's notify_url, with a timeout. */
export function httpSimPost(timeoutMs = 10_000): SimPost {
  return (url, headers, body) => new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const agent = agents[target.protocol as keyof typeof agents];
    if (!agent) { reject(new Error(`unsupported notify_url protocol ${target.protocol}`)); return; }
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
