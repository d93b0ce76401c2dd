import * as jsqrModule from 'jsqr';

// jsQR is a CommonJS bundle whose exports hold `default`: bundlers hand it over wrapped once or twice.
type Decode = typeof import('jsqr').default;
const loaded = jsqrModule as unknown as { default: Decode | { default: Decode } };
const jsQR: Decode = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;

/** The text of a QR code in an image's pixels, or null when there is none (jsQR: pure JavaScript, any browser). */
export function decodeQr(image: ImageData): string | null {
  return jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** Pixels of a drawable (a camera frame, a photo), scaled so the longer side is at most `max` pixels. */
export function pixelsOf(source: CanvasImageSource, width: number, height: number, canvas: HTMLCanvasElement, max = 800): ImageData | null {
  const scale = Math.min(1, max / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

/** A QR read from a photo or screenshot the leader picks (also the fallback where no camera is allowed). */
export async function decodeQrFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    const pixels = pixelsOf(bitmap, bitmap.width, bitmap.height, document.createElement('canvas'));
    return pixels ? decodeQr(pixels) : null;
  } finally {
    bitmap.close();
  }
}
