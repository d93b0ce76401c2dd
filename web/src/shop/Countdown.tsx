import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

const pad = (n: number) => String(n).padStart(2, '0');

/** Milliseconds left until `iso`, ticking every second while any are left; 0 once passed (or no time given). */
function useMsLeft(iso: string | null | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  const left = iso ? Math.max(0, Date.parse(iso) - now) : 0;
  useEffect(() => {
    if (left <= 0) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [left <= 0]); // eslint-disable-line react-hooks/exhaustive-deps
  return left;
}

function split(ms: number) {
  const s = Math.floor(ms / 1000);
  return { days: Math.floor(s / 86_400), clock: `${pad(Math.floor((s % 86_400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` };
}

/** Time left until `iso` as HH:MM:SS (or Dd HH:MM:SS), ticking every second; 00:00:00 once passed. */
export function useCountdown(iso: string | null | undefined): { text: string; over: boolean } {
  const left = useMsLeft(iso);
  const { days, clock } = split(left);
  return { text: days > 0 ? `${days}d ${clock}` : clock, over: left === 0 };
}

/** Time left until an instant (a pre-sale's cutoff), ticking every second; "截单" once it has passed. */
export function Countdown({ until, onEnd }: { until: string; onEnd?: () => void }) {
  const { t } = useTranslation();
  const left = useMsLeft(until);
  useEffect(() => { if (left <= 0) onEnd?.(); }, [left <= 0]); // eslint-disable-line react-hooks/exhaustive-deps
  if (left <= 0) return <span className="countdown ended" data-testid="countdown">{t('presale.closed')}</span>;
  const { days, clock } = split(left);
  return (
    <span className="countdown" data-testid="countdown">
      {t('presale.ends_in')} <strong>{days > 0 ? t('presale.days', { count: days }) : ''}{clock}</strong>
    </span>
  );
}
