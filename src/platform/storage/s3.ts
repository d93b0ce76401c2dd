import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { assertKey, type ObjectStorage, type S3StorageConfig } from './storage.js';

/** Objects in any S3-compatible store (AWS S3, MinIO, Aliyun OSS, Tencent COS, Cloudflare R2…), through AWS's own client. */
export function s3Storage(config: S3StorageConfig): ObjectStorage {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // Checksums only when the operation requires them: several S3-compatible stores reject the newer default headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const base = config.publicUrl?.replace(/\/+$/, '');
  return {
    async put(key, body, contentType) {
      assertKey(key);
      await client.send(new PutObjectCommand({
        Bucket: config.bucket, Key: key, Body: body, ContentType: contentType,
        // Keys carry a fresh id per upload, so an object never changes under its key.
        CacheControl: 'public, max-age=31536000, immutable',
      }));
    },
    async get(key) {
      assertKey(key);
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
        const bytes = await answer.Body!.transformToByteArray();
        return { body: Buffer.from(bytes), contentType: answer.ContentType ?? 'application/octet-stream' };
      } catch (error) {
        if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) return null;
        throw error;
      }
    },
    async delete(key) {
      assertKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
    },
    publicUrl: (key) => (base ? `${base}/${key}` : null),
  };
}
