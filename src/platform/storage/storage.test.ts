import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openStorage } from './open-storage.js';
import type { ObjectStorage } from './storage.js';

/**
 * A stand-in for an S3-compatible endpoint: path-style PUT, GET and DELETE of objects kept in
 * memory, refusing any request without a SigV4 signature for the configured key. It checks what
 * the client sends (bucket, key, type, cache header, signature); it is not S3's full behaviour.
 */
async function fakeS3(accessKeyId: string) {
  const objects = new Map<string, { body: Buffer; type: string; cacheControl: string }>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!String(req.headers.authorization ?? '').startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) {
        res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
        return;
      }
      const key = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
      if (req.method === 'PUT') {
        objects.set(key, { body: Buffer.concat(chunks), type: String(req.headers['content-type']), cacheControl: String(req.headers['cache-control']) });
        res.writeHead(200, { etag: '"x"' }).end();
      } else if (req.method === 'GET') {
        const o = objects.get(key);
        if (!o) res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code><Message>none</Message></Error>');
        else res.writeHead(200, { 'content-type': o.type, 'content-length': o.body.length }).end(o.body);
      } else if (req.method === 'DELETE') {
        objects.delete(key);
        res.writeHead(204).end();
      } else res.writeHead(405).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { objects, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

async function roundTrip(storage: ObjectStorage) {
  await storage.put('products/t1/p1/img1-thumb.webp', Buffer.from('webp bytes'), 'image/webp');
  const read = await storage.get('products/t1/p1/img1-thumb.webp');
  expect(read?.body.toString()).toBe('webp bytes');
  expect(read?.contentType).toBe('image/webp');
  expect(await storage.get('products/t1/p1/none.webp')).toBeNull();
  await storage.delete('products/t1/p1/img1-thumb.webp');
  expect(await storage.get('products/t1/p1/img1-thumb.webp')).toBeNull();
  await expect(storage.put('../escape', Buffer.from('x'), 'text/plain')).rejects.toThrow(/invalid storage key/);
}

describe('object storage', () => {
  const s3 = fakeS3('AKIDSIYU');
  afterAll(async () => (await s3).close());

  it('keeps files under the data directory by default', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siyu-data-'));
    const config = loadConfig({ SIYU_DATA_DIR: dir });
    expect(config.storage).toEqual({ kind: 'local', dir: path.join(dir, 'files') });
    const storage = openStorage(config.storage);
    await roundTrip(storage);
    expect(storage.publicUrl('a/b')).toBeNull();
  });

  it('talks to an S3-compatible endpoint when configured: signed path-style requests, immutable cache header', async () => {
    const { url, objects } = await s3;
    const config = loadConfig({
      SIYU_STORAGE: 's3', SIYU_S3_ENDPOINT: url, SIYU_S3_BUCKET: 'siyu-media', SIYU_S3_ACCESS_KEY_ID: 'AKIDSIYU', SIYU_S3_SECRET_ACCESS_KEY: 'secret',
      SIYU_S3_PUBLIC_URL: 'https://cdn.example.com/media/',
    });
    const storage = openStorage(config.storage);
    await storage.put('products/t1/p1/img2-detail.webp', Buffer.from('detail'), 'image/webp');
    expect(objects.get('/siyu-media/products/t1/p1/img2-detail.webp')).toMatchObject({ type: 'image/webp', cacheControl: 'public, max-age=31536000, immutable' });
    await roundTrip(storage);
    expect(storage.publicUrl('products/t1/p1/img2-detail.webp')).toBe('https://cdn.example.com/media/products/t1/p1/img2-detail.webp');
    // A wrong key is the store's refusal, surfaced, not a missing object.
    const wrong = openStorage(loadConfig({ SIYU_STORAGE: 's3', SIYU_S3_ENDPOINT: url, SIYU_S3_BUCKET: 'b', SIYU_S3_ACCESS_KEY_ID: 'OTHER', SIYU_S3_SECRET_ACCESS_KEY: 's' }).storage);
    await expect(wrong.get('products/x')).rejects.toThrow();
  });

  it('refuses an S3 configuration with a part missing, naming it', () => {
    expect(() => loadConfig({ SIYU_STORAGE: 's3', SIYU_S3_BUCKET: 'b' })).toThrow(/SIYU_S3_ACCESS_KEY_ID/);
    expect(() => loadConfig({ SIYU_STORAGE: 'ftp' })).toThrow(/SIYU_STORAGE/);
  });
});
