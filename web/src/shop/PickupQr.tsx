import { useEffect, useState } from 'react';
import { pickupQrText } from '../pickup-qr.js';

/** The buyer's pickup code as a QR the leader scans (order and code), drawn in the browser. */
export function PickupQr({ orderId, code }: { orderId: string; code: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // The QR encoder loads with the first order page that shows a code, not with the shop.
    import('qrcode').then(({ default: QRCode }) => QRCode.toDataURL(pickupQrText(orderId, code), { margin: 1, width: 220, errorCorrectionLevel: 'M' }))
      .then((url) => { if (live) setSrc(url); })
      .catch(() => { if (live) setSrc(null); });
    return () => { live = false; };
  }, [orderId, code]);
  if (!src) return null;
  return <img className="pickup-qr" src={src} width={220} height={220} alt={code} data-testid="pickup-qr" />;
}
