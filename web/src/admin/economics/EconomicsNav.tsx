import { NavLink } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useScreens, type ScreenKey } from '../access.js';

const TABS = [
  { to: '/admin/economics', key: 'overview', screen: 'economics', end: true },
  { to: '/admin/economics/policies', key: 'policies', screen: 'policies', end: false },
  { to: '/admin/economics/campaigns', key: 'campaigns', screen: 'campaigns', end: false },
  { to: '/admin/economics/check', key: 'check', screen: 'check', end: false },
  { to: '/admin/economics/breakeven', key: 'breakeven', screen: 'breakeven', end: false },
] as const satisfies readonly { to: string; key: string; screen: ScreenKey; end: boolean }[];

/** The economics tabs the user may open. */
export function EconomicsNav() {
  const { t } = useTranslation();
  const screens = useScreens();
  const tabs = TABS.filter((tab) => screens.some((s) => s.key === tab.screen));
  return (
    <nav className="sub-nav" aria-label={t('economics.nav')}>
      {tabs.map((tab) => (
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
