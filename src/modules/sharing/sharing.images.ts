import QRCode from 'qrcode';
import sharp from 'sharp';
import { formatYuan, type Fen } from '../../platform/money.js';

/** A QR code of `text` as PNG: medium error correction survives a poster being photographed or printed. */
export function qrPng(text: string, width = 480): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width });
}

export interface PosterInput {
  shopName: string;
  sharerName: string;
  /** The product shared, or none for a whole-shop poster. */
  product: { title: string; price: Fen; category?: string } | null;
  /** What the QR code opens (the short link). */
  link: string;
  /** A group's state when it was drawn: drawn in place of the product's initial. */
  status?: PosterStatus;
}

/** A group buy's state on its poster: the price drawn and the lines saying where the group stands. */
export interface PosterStatus { price: Fen; lines: string[] }

const WIDTH = 750;
const HEIGHT = 1200;
const FONT = `'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif`;

/**
 * The share poster as PNG, drawn on the server so every phone gets the same picture: the shop and
 * its leader, the product's name and price (fen shown as yuan with two decimals) and a QR code of
 * the short link. The layout is SVG rasterised by sharp (librsvg), whose text goes through the
 * system's fonts — a CJK font (Noto Sans CJK) must be installed for Chinese names.
 */
export async function posterPng(input: PosterInput): Promise<Buffer> {
  const qr = await qrPng(input.link, QR_SIZE);
  return sharp(Buffer.from(posterSvg(input)))
    .composite([{ input: qr, left: WIDTH - QR_SIZE - 40, top: HEIGHT - QR_SIZE - 40 }])
    .png()
    .toBuffer();
}

const QR_SIZE = 300;

/** The poster's layout without its QR code (composited by posterPng). */
export function posterSvg(input: PosterInput): string {
  const title = input.product?.title ?? input.shopName;
  const titleLines = wrap(title, 14, 2);
  const initial = [...title][0] ?? '·';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
  <rect width="100%" height="100%" fill="#fff7f0"/>
  <rect x="0" y="0" width="${WIDTH}" height="120" fill="#e4572e"/>
  <text x="40" y="76" font-family="${FONT}" font-size="40" font-weight="bold" fill="#ffffff">${escapeXml(clip(input.shopName, 16))}</text>
  <rect x="40" y="160" width="670" height="470" rx="24" fill="#ffe3d3"/>
  ${input.status
    ? input.status.lines.slice(0, 4).map((line, i) => `<text x="375" y="${280 + i * 100}" text-anchor="middle" font-family="${FONT}" font-size="${i === 0 ? 56 : i < 3 ? 40 : 30}" font-weight="bold" fill="${i === 0 ? '#e4572e' : '#5a3a2a'}">${escapeXml(clip(line, i === 0 ? 11 : i < 3 ? 15 : 30))}</text>`).join('\n  ')
    : `<text x="375" y="470" text-anchor="middle" font-family="${FONT}" font-size="220" font-weight="bold" fill="#e4572e" fill-opacity="0.85">${escapeXml(initial)}</text>`}
  ${titleLines.map((line, i) => `<text x="40" y="${700 + i * 56}" font-family="${FONT}" font-size="44" font-weight="bold" fill="#222222">${escapeXml(line)}</text>`).join('\n  ')}
  ${input.product ? `<text x="40" y="${720 + titleLines.length * 56}" font-family="${FONT}" font-size="64" font-weight="bold" fill="#e4572e">${escapeXml(formatYuan(input.product.price, { grouped: false }))}</text>` : ''}
  <text x="40" y="${HEIGHT - 250}" font-family="${FONT}" font-size="34" fill="#444444">${escapeXml(`${clip(input.sharerName, 10)} 推荐`)}</text>
  <text x="40" y="${HEIGHT - 190}" font-family="${FONT}" font-size="28" fill="#888888">长按识别二维码，进店下单</text>
  <text x="40" y="${HEIGHT - 140}" font-family="${FONT}" font-size="24" fill="#aaaaaa">${escapeXml(clip(input.link.replace(/^https?:\/\//, ''), 26))}</text>
</svg>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '\'': '&apos;', '"': '&quot;' })[c]!);
}

/** At most `max` characters (by code point), with an ellipsis when cut. */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** Splits a title into at most `lines` lines of `width` characters (CJK titles have no spaces to break at). */
function wrap(text: string, width: number, lines: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length && out.length < lines; i += width) out.push(chars.slice(i, i + width).join(''));
  if (chars.length > width * lines) out[lines - 1] = clip(out[lines - 1]!, width);
  return out.length ? out : [''];
}
