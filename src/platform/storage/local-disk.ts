import fs from 'node:fs/promises';
import path from 'node:path';
import { assertKey, type ObjectStorage } from './storage.js';

const TYPES: Record<string, string> = { '.webp': 'image/webp', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png' };

/**
 * Objects as files under a directory (by default the data directory's `files/`). A write goes to a
 * temporary file renamed into place, so a reader never sees half an image.
 */
export function localDiskStorage(dir: string): ObjectStorage {
  const fileOf = (key: string) => { assertKey(key); return path.join(dir, ...key.split('/')); };
  return {
    async put(key, body) {
      const file = fileOf(key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
      await fs.writeFile(temporary, body);
      await fs.rename(temporary, file);
    },
    async get(key) {
      try {
        const body = await fs.readFile(fileOf(key));
        return { body, contentType: TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream' };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(key) {
      await fs.rm(fileOf(key), { force: true });
    },
    publicUrl: () => null,
  };
}
