import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { yuan } from '../money.js';
import { ErrorNote, Loading } from '../ui.js';
import type { ShareCode, ShopGroupPage } from '../types.js';
import { useCountdown } from './Countdown.js';
import { useShopSession } from './session.js';

/** A ladder group's tiers: the one reached, the next with the members it needs, what the buyer pays now. */
function Ladder({ g }: { g: ShopGroupPage }) {
  const { t } = useTranslation();
  if (!g.tiers) return null;
  return (
    <section className="card ladder" data-testid="group-ladder">
      <h2 className="section-title">{t('promo.ladder_title')}</h2>
      <ol className="ladder-tiers plain">
        {g.tiers.map((tier) => {
          const reached = g.tier !== null && tier.size <= g.tier.size;
          const current = g.tier?.size === tier.size;
          return (
            <li key={tier.size} className={`ladder-tier${reached ? ' reached' : ''}${current ? ' current' : ''}`} data-testid="ladder-tier" data-reached={reached} data-current={current}>
              <span>{t('promo.ladder_tier', { size: tier.size, price: yuan(tier.price) })}</span>
              {current && <small className="tag">{t('promo.ladder_current', { price: yuan(tier.price) })}</small>}
            </li>
          );
        })}
      </ol>
      {g.next_tier ? <p className="strong" data-testid="ladder-next">{t('promo.ladder_next', { count: g.next_tier.members_needed, price: yuan(g.next_tier.price) })}</p>
        : g.tier && <p className="strong" data-testid="ladder-next">{t('promo.ladder_top')}</p>}
      <p className="muted small">{t('promo.ladder_paid_now', { price: yuan(g.member_price) })}</p>
    </section>
  );
}

/**
 * Sharing a group: signed in, the buyer's own share code for it (friends who order through it are
 * attributed to them) and its poster with the group's status; signed out, the group's address.
 */
function GroupShare({ slug, g }: { slug: string; g: ShopGroupPage }) {
  const { t } = useTranslation();
  const session = useShopSession(slug);
  const [copied, setCopied] = useState(false);
  const share = useMutation({ mutationFn: () => api<ShareCode>(`/shops/${slug}/groups/${g.id}/share`, { method: 'POST', token: session?.token, body: {} }) });
  const link = share.data?.link ?? `${window.location.origin}/s/${slug}/groups/${g.id}`;
  const copy = async () => {
    try { await navigator.clipboard.writeText(link); setCopied(true); } catch { setCopied(false); }
  };
  return (
    <section className="card">
      <h2 className="section-title">{t('promo.group_share')}</h2>
      <p className="muted small">{t('promo.group_share_hint')}</p>
      <input readOnly value={link} aria-label={t('promo.group_share')} data-testid="group-share-link" />
      <button type="button" onClick={() => void copy()} data-testid="group-copy">{copied ? t('promo.group_copied') : t('promo.group_copy')}</button>
      {session && !share.data && (
        <button type="button" className="button block" disabled={share.isPending} onClick={() => share.mutate()} data-testid="group-poster-make">{t('promo.group_poster_make')}</button>
      )}
      <ErrorNote error={share.error} />
      {share.data && (
        <div className="share-result" data-testid="group-poster-card" data-code={share.data.code}>
          <img src={share.data.poster_url} alt={t('promo.group_poster_alt')} className="share-poster" data-testid="group-poster" />
          <a href={share.data.poster_url} download={`group-${g.id}.png`} className="button block" data-testid="group-poster-download">{t('promo.group_poster')}</a>
        </div>
      )}
    </section>
  );
}

/** A group's page (where share links land): its members with masked names, slots left, its clock, a ladder's tiers, join and share. */
export function GroupPage() {
  const { slug = '', groupId = '' } = useParams();
  const { t } = useTranslation();
  const group = useQuery({ queryKey: ['shop', slug, 'group', groupId], queryFn: ({ signal }) => api<ShopGroupPage>(`/shops/${slug}/groups/${groupId}`, { signal }), refetchInterval: 10_000 });
  const clock = useCountdown(group.data?.expires_at ? String(group.data.expires_at) : null);
  if (group.isPending) return <Loading />;
  if (group.error) return <ErrorNote error={group.error} />;
  const g = group.data;
  return (
    <article className="group-page" data-testid="group-page" data-status={g.status}>
      <h1 className="page-title">{g.tiers ? t('promo.ladder') : t('promo.group_title')} · {t('promo.group_size', { count: g.size })}</h1>
      <p className="strong" data-testid="group-product">{g.title} · <span className="price">{yuan(g.tier?.price ?? g.member_price)}</span>
        {g.list_price !== null && <small className="muted"> {t('promo.list_price', { price: yuan(g.list_price) })}</small>}</p>
      <Ladder g={g} />
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
      {g.status === 'open' && <GroupShare slug={slug} g={g} />}
      {g.status === 'open' && g.slots_left > 0 && (
        <div className="sticky-actions">
          <Link className="button primary" to={`/s/${slug}/buy/group_buy/${g.group_buy_id}?group=${g.id}`} data-testid="group-join">{t('promo.group_join')}</Link>
        </div>
      )}
    </article>
  );
}
