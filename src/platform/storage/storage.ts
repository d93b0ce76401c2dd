/**
 * Where uploaded files (product images) live: a key names an object, the bytes are opaque. The
 * server never lists or walks a store; it writes, reads and deletes by key.
 */
export interface ObjectStorage {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object's bytes and type, or null when there is none. */
  get(key: string): Promise<{ body: Buffer; contentType: string } | null>;
  delete(key: string): Promise<void>;
  /** Where a browser fetches the object directly, or null when the server serves it itself. */
  publicUrl(key: string): string | null;
}

export interface S3StorageConfig {
  endpoint: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style addressing (endpoint/bucket/key), what most self-hosted S3-compatible stores want. */
  forcePathStyle: boolean;
  /** A public base URL (CDN or bucket website) the objects are reachable at; unset: the server serves them. */
  publicUrl: string | undefined;
}

export type StorageConfig =
  | { kind: 'local'; dir: string }
  | ({ kind: 's3' } & S3StorageConfig);

/** Keys are built by the server from ids; anything else (dots, absolute paths) is refused before it reaches a store. */
export const STORAGE_KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

export function assertKey(key: string): void {
  if (!STORAGE_KEY.test(key) || key.includes('..')) throw new Error(`invalid storage key: ${key}`);
}
