import { Link, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { yuan } from '../money.js';
import type { ShopFlashSale, ShopGroupBuy } from '../types.js';
import { useCountdown } from './Countdown.js';

export const flashSalesKey = (slug: string) => ['shop', slug, 'flash-sales'] as const;
export const groupBuysKey = (slug: string) => ['shop', slug, 'group-buys'] as const;

/** The shop's flash sales and group buys, above its products: price, countdown, limit, what is left. */
export function CampaignStrip() {
  const { slug = '' } = useParams();
  const flash = useQuery({ queryKey: flashSalesKey(slug), queryFn: ({ signal }) => api<{ items: ShopFlashSale[] }>(`/shops/${slug}/flash-sales`, { signal }).then((r) => r.items), refetchInterval: 15_000 });
  const groups = useQuery({ queryKey: groupBuysKey(slug), queryFn: ({ signal }) => api<{ items: ShopGroupBuy[] }>(`/shops/${slug}/group-buys`, { signal }).then((r) => r.items), refetchInterval: 15_000 });
  if (!flash.data?.length && !groups.data?.length) return null;
  return (
    <section className="campaign-strip" data-testid="campaign-strip">
      {flash.data?.map((s) => <FlashCard key={s.id} slug={slug} sale={s} />)}
      {groups.data?.map((g) => <GroupBuyCard key={g.id} slug={slug} campaign={g} />)}
    </section>
  );
}

function FlashCard({ slug, sale }: { slug: string; sale: ShopFlashSale }) {
  const { t } = useTranslation();
  const upcoming = sale.state === 'upcoming';
  const clock = useCountdown(upcoming ? String(sale.starts_at) : String(sale.ends_at));
  const soldOut = sale.state === 'sold_out' || sale.left <= 0;
  const startedNow = upcoming && clock.over;
  return (
    <article className="card campaign-card flash" data-testid="flash-card" data-state={sale.state}>
      <p className="tag">{t('promo.flash_title')} · {sale.name}</p>
      <h3>{sale.title} · {sale.sku_name}</h3>
      <p>
        <strong className="price big" data-testid="flash-price">{yuan(sale.price)}</strong>{' '}
        <s className="muted small">{t('promo.list_price', { price: yuan(sale.list_price) })}</s>
      </p>
      <p className="muted small">
        <span data-testid="flash-limit">{t('promo.flash_limit', { count: sale.per_customer_limit })}</span>
        {' · '}
        <span data-testid="flash-clock">{upcoming && !startedNow ? t('promo.flash_starts_in', { time: clock.text }) : t('promo.flash_ends_in', { time: clock.text })}</span>
        {!soldOut && !upcoming && <> · {t('promo.flash_left', { count: sale.left })}</>}
      </p>
      {soldOut ? (
        <button type="button" disabled data-testid="flash-sold-out">{t('promo.flash_sold_out')}</button>
      ) : upcoming && !startedNow ? (
        <button type="button" disabled data-testid="flash-not-yet">{t('promo.flash_not_yet')}</button>
      ) : (
        <Link className="button primary" to={`/s/${slug}/buy/flash_sale/${sale.id}`} data-testid="flash-buy">{t('promo.flash_buy')}</Link>
      )}
    </article>
  );
}

function GroupBuyCard({ slug, campaign: c }: { slug: string; campaign: ShopGroupBuy }) {
  const { t } = useTranslation();
  return (
    <article className="card campaign-card group" data-testid="group-buy-card">
      <p className="tag">{t('promo.group_title')} · {t('promo.group_size', { count: c.group_size })}</p>
      <h3>{c.title} · {c.sku_name}</h3>
      <p>
        <span className="muted small">{t('promo.group_member')}</span> <strong className="price big" data-testid="group-member-price">{yuan(c.member_price)}</strong>{' '}
        <span className="muted small">{t('promo.group_open')} {yuan(c.opener_price)}</span>{' '}
        <s className="muted small">{t('promo.list_price', { price: yuan(c.list_price) })}</s>
      </p>
      <p className="muted small">{t('promo.group_rule_honest')}{c.form_at_pct !== null && <> {t('promo.group_rule_fill', { pct: c.form_at_pct })}</>}</p>
      {c.open_groups.length > 0 && (
        <ul className="open-groups" data-testid="open-groups">
          {c.open_groups.map((g) => (
            <li key={g.id} className="row">
              <span>{g.members[0]?.name ?? ''} · {t('promo.group_slots_left', { count: g.slots_left })}</span>
              <Link className="button" to={`/s/${slug}/groups/${g.id}`} data-testid="open-group-link">{t('promo.group_join')}</Link>
            </li>
          ))}
        </ul>
      )}
      <Link className="button primary" to={`/s/${slug}/buy/group_buy/${c.id}`} data-testid="group-start">{t('promo.group_start')}</Link>
    </article>
  );
}
