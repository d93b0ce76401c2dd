import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { decodeQr, pixelsOf } from './qr-decode.js';

/**
 * The phone's back camera, read a few times a second until a QR is found; the camera stops as
 * soon as it is (or when closed). Needs a secure context (https, or localhost) and the user's leave.
 */
export function QrScanner({ onText, onClose }: { onText: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    let done = false;
    const canvas = document.createElement('canvas');
    const stop = () => { done = true; clearInterval(timer); stream?.getTracks().forEach((track) => track.stop()); };
    if (!navigator.mediaDevices?.getUserMedia) {
      setError(t('pickup_day.no_camera'));
      return stop;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then((s) => {
      if (done) { s.getTracks().forEach((track) => track.stop()); return; }
      stream = s;
      const v = video.current!;
      v.srcObject = s;
      void v.play();
      timer = setInterval(() => {
        if (v.readyState < 2 || !v.videoWidth) return;
        const pixels = pixelsOf(v, v.videoWidth, v.videoHeight, canvas, 640);
        const text = pixels && decodeQr(pixels);
        if (text && !done) { stop(); onText(text); }
      }, 250);
    }).catch(() => setError(t('pickup_day.no_camera')));
    return stop;
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div className="card scanner" data-testid="qr-scanner">
      {error ? <p className="error small" data-testid="scanner-error">{error}</p> : <video ref={video} className="scanner-video" playsInline muted />}
      <button type="button" className="block" onClick={onClose} data-testid="scanner-close">{t('pickup_day.close_camera')}</button>
    </div>
  );
}
