import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { Loading } from '../../ui.js';
import { NotFound } from '../../NotFound.js';
import { useCan, useMe, type Permission } from '../access.js';

/**
 * The reach screens (live codes, mass messages, handovers) open from the customer list rather than
 * the navigation, so they guard their own permission here the way `Screen` does for listed screens.
 */
export function ReachScreen({ permission, children }: { permission: Permission; children: ReactNode }) {
  const me = useMe();
  if (!me) return <Loading />;
  return me.permissions.includes(permission) ? <>{children}</> : <NotFound home="/admin" />;
}

/** Links to the reach screens the user may open, shown on the customer list. */
export function ReachLinks() {
  const { t } = useTranslation();
  const can = useCan();
  if (!can('reach.read')) return null;
  return (
    <p className="reach-links small" data-testid="reach-links">
      <Link to="/admin/live-codes" data-testid="reach-live-codes">{t('outreach.live_codes')}</Link>
      {' · '}<Link to="/admin/broadcasts" data-testid="reach-broadcasts">{t('outreach.broadcasts')}</Link>
      {can('reach.manage') && <>{' · '}<Link to="/admin/handovers" data-testid="reach-handovers">{t('outreach.handovers')}</Link></>}
    </p>
  );
}

/** Splits a comma-separated field into its trimmed, non-empty parts. */
export function splitList(value: FormDataEntryValue | null): string[] {
  return String(value ?? '').split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean);
}
