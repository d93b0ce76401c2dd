import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

const pad = (n: number) => String(n).padStart(2, '0');

/** Time left until an instant (a pre-sale's cutoff), ticking every second; "截单" once it has passed. */
export function Countdown({ until, onEnd }: { until: string; onEnd?: () => void }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  const left = Math.max(0, new Date(until).getTime() - now);
  useEffect(() => {
    if (left <= 0) { onEnd?.(); return; }
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [left <= 0]); // eslint-disable-line react-hooks/exhaustive-deps
  if (left <= 0) return <span className="countdown ended" data-testid="countdown">{t('presale.closed')}</span>;
  const s = Math.floor(left / 1000);
  const days = Math.floor(s / 86_400);
  const clock = `${pad(Math.floor((s % 86_400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return (
    <span className="countdown" data-testid="countdown">
      {t('presale.ends_in')} <strong>{days > 0 ? t('presale.days', { count: days }) : ''}{clock}</strong>
    </span>
  );
}
