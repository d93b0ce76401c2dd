import sharp from 'sharp';
import { catalogError } from './catalog.errors.js';

/** What an upload may be: raster formats a phone or a supplier's spreadsheet produces. SVG is refused (scripts, external references). */
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);
/** Decompression bombs stop here: 40 megapixels is more than any phone camera's photo. */
const MAX_PIXELS = 40_000_000;
export const THUMB_SIZE = 320;
export const DETAIL_SIZE = 1080;

export interface ResizedImage {
  thumb: Buffer;
  detail: Buffer;
  /** The detail image's size. */
  width: number;
  height: number;
  format: 'webp';
}

/**
 * Checks that the bytes are an image (sharp reads its header; anything else is 415) and makes a
 * square thumbnail and a detail image no larger than 1080 px, both WebP, turned upright by their
 * EXIF orientation and stripped of metadata (location, camera).
 */
export async function resizeImage(bytes: Buffer): Promise<ResizedImage> {
  let format: string | undefined;
  try {
    ({ format } = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata());
  } catch {
    throw catalogError('image_unsupported');
  }
  if (!format || !ACCEPTED.has(format)) throw catalogError('image_unsupported', { format: format ?? null });
  try {
    const source = sharp(bytes, { limitInputPixels: MAX_PIXELS, animated: false }).rotate();
    const [thumb, detail] = await Promise.all([
      source.clone().resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover', position: 'attention' }).webp({ quality: 78 }).toBuffer(),
      source.clone().resize(DETAIL_SIZE, DETAIL_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 82 }).toBuffer({ resolveWithObject: true }),
    ]);
    return { thumb, detail: detail.data, width: detail.info.width, height: detail.info.height, format: 'webp' };
  } catch {
    // The header read but the pixels do not (truncated or corrupt file).
    throw catalogError('image_unsupported', { format });
  }
}

export interface StoredImageRow { id: string; position: number; key: string; format: 'webp' | 'jpeg'; width: number; height: number }

/** The two stored files of an image. */
export function imageFiles(row: { key: string; format: 'webp' | 'jpeg' }) {
  const ext = row.format === 'webp' ? 'webp' : 'jpg';
  return { thumb: `${row.key}-thumb.${ext}`, detail: `${row.key}-detail.${ext}` };
}

/** Where browsers fetch stored files the store does not publish itself: GET /api/v1/media/{key}. */
export const MEDIA_PATH = '/api/v1/media/';

/** An image as the console and the shop show it, with URLs that change whenever the image does (cacheable for a year). */
export function imageView(publicUrl: (key: string) => string | null, row: StoredImageRow) {
  const files = imageFiles(row);
  const url = (key: string) => publicUrl(key) ?? `${MEDIA_PATH}${key}`;
  return { id: row.id, position: row.position, width: row.width, height: row.height, thumb_url: url(files.thumb), detail_url: url(files.detail) };
}
