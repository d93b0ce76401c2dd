import { localDiskStorage } from './local-disk.js';
import { s3Storage } from './s3.js';
import type { ObjectStorage, StorageConfig } from './storage.js';

/** The store the configuration names: local disk by default, an S3-compatible one when configured. */
export function openStorage(config: StorageConfig): ObjectStorage {
  return config.kind === 'local' ? localDiskStorage(config.dir) : s3Storage(config);
}

const opened = new WeakMap<StorageConfig, ObjectStorage>();

/** One store per configuration, shared by the routes of a process. */
export function storageFor(config: StorageConfig): ObjectStorage {
  let storage = opened.get(config);
  if (!storage) opened.set(config, (storage = openStorage(config)));
  return storage;
}
