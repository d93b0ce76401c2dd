import { useEffect, useState } from 'react';

/** Time left until `iso` as H:MM:SS (or D天 H:MM:SS), ticking every second; 0:00:00 once passed. */
export function useCountdown(iso: string | null | undefined): { text: string; over: boolean } {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = iso ? Math.max(0, Date.parse(iso) - now) : 0;
  const s = Math.floor(left / 1000);
  const days = Math.floor(s / 86_400);
  const hms = `${Math.floor((s % 86_400) / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return { text: days > 0 ? `${days}d ${hms}` : hms, over: left === 0 };
}
