import { NavLink } from 'react-router-dom';
import { useTranslation } from 'react-i18next';

const TABS = [
  { to: '/admin/economics', key: 'overview', end: true },
  { to: '/admin/economics/policies', key: 'policies', end: false },
  { to: '/admin/economics/campaigns', key: 'campaigns', end: false },
  { to: '/admin/economics/check', key: 'check', end: false },
  { to: '/admin/economics/breakeven', key: 'breakeven', end: false },
] as const;

export function EconomicsNav() {
  const { t } = useTranslation();
  return (
    <nav className="sub-nav" aria-label={t('economics.nav')}>
      {TABS.map((tab) => (
        <NavLink key={tab.key} to={tab.to} end={tab.end} data-testid={`econ-tab-${tab.key}`}>{t(`economics.tab_${tab.key}`)}</NavLink>
      ))}
    </nav>
  );
}

export function VerdictBadge({ verdict, testId }: { verdict: string; testId?: string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${verdict}`} data-testid={testId} data-verdict={verdict}>{t(`economics.verdict_${verdict}`, { defaultValue: verdict })}</span>;
}

export function RuleStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status}`} data-status={status}>{t(`economics.status_${status}`, { defaultValue: status })}</span>;
}
