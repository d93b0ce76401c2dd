import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorNote, Loading } from '../ui.js';
import type { ShopGroup } from '../types.js';
import { useCountdown } from './Countdown.js';

/** A group's page (where share links land): its members with masked names, slots left, its clock, join and share. */
export function GroupPage() {
  const { slug = '', groupId = '' } = useParams();
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const group = useQuery({ queryKey: ['shop', slug, 'group', groupId], queryFn: ({ signal }) => api<ShopGroup>(`/shops/${slug}/groups/${groupId}`, { signal }), refetchInterval: 10_000 });
  const clock = useCountdown(group.data?.expires_at ? String(group.data.expires_at) : null);
  if (group.isPending) return <Loading />;
  if (group.error) return <ErrorNote error={group.error} />;
  const g = group.data;
  const link = `${window.location.origin}/s/${slug}/groups/${g.id}`;
  const copy = async () => {
    try { await navigator.clipboard.writeText(link); setCopied(true); } catch { setCopied(false); }
  };
  return (
    <article className="group-page" data-testid="group-page" data-status={g.status}>
      <h1 className="page-title">{t('promo.group_title')} · {t('promo.group_size', { count: g.size })}</h1>
      <section className="card">
        {g.status === 'open' && (
          <p className="strong">
            <span data-testid="group-slots-left">{t('promo.group_slots_left', { count: g.slots_left })}</span>
            {' · '}<span data-testid="group-clock">{t('promo.group_ends_in', { time: clock.text })}</span>
          </p>
        )}
        {g.status === 'formed' && <p className="notice" data-testid="group-formed">{t('promo.group_formed')}</p>}
        {g.status === 'failed' && <p className="notice" data-testid="group-failed">{t('promo.group_failed')}</p>}
        <h2 className="section-title">{t('promo.group_members')}</h2>
        <ul className="group-members" data-testid="group-members">
          {g.members.map((m, i) => (
            <li key={i} className="row" data-testid="group-member">
              <span className="avatar" aria-hidden>{m.name.slice(0, 1)}</span>
              <span>{m.name}{m.role === 'opener' && <small className="tag"> {t('promo.group_opener')}</small>}</span>
              {!m.paid && <small className="muted">{t('promo.group_unpaid')}</small>}
            </li>
          ))}
          {g.status === 'open' && Array.from({ length: g.slots_left }, (_, i) => <li key={`empty-${i}`} className="row muted"><span className="avatar empty" aria-hidden>?</span></li>)}
        </ul>
        <p className="muted small">{t('promo.group_rule_honest')}</p>
      </section>
      {g.status === 'open' && (
        <section className="card">
          <h2 className="section-title">{t('promo.group_share')}</h2>
          <p className="muted small">{t('promo.group_share_hint')}</p>
          <input readOnly value={link} aria-label={t('promo.group_share')} data-testid="group-share-link" />
          <button type="button" onClick={() => void copy()} data-testid="group-copy">{copied ? t('promo.group_copied') : t('promo.group_copy')}</button>
        </section>
      )}
      {g.status === 'open' && g.slots_left > 0 && (
        <div className="sticky-actions">
          <Link className="button primary" to={`/s/${slug}/buy/group_buy/${g.group_buy_id}?group=${g.id}`} data-testid="group-join">{t('promo.group_join')}</Link>
        </div>
      )}
    </article>
  );
}
