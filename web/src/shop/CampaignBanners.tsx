import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { yuan } from '../money.js';
import type { components } from '../api/schema.gen.js';
import { Countdown } from './Countdown.js';

type ShopPresale = components['schemas']['ShopPresale'];
type BargainCampaign = components['schemas']['BargainCampaign'];

export function useShopPresales(slug: string) {
  return useQuery({
    queryKey: ['shop', slug, 'presales'],
    queryFn: ({ signal }) => api<{ items: ShopPresale[] }>(`/shops/${slug}/presales`, { signal }).then((r) => r.items),
    refetchInterval: 30_000,
  });
}

export function useShopBargains(slug: string) {
  return useQuery({ queryKey: ['shop', slug, 'bargains'], queryFn: ({ signal }) => api<{ items: BargainCampaign[] }>(`/shops/${slug}/bargains`, { signal }).then((r) => r.items) });
}

/** The campaigns running in the shop now, above its products (their pages load when opened). */
export function CampaignBanners({ slug }: { slug: string }) {
  return (
    <>
      <PresaleBanner slug={slug} />
      <BargainBanner slug={slug} />
    </>
  );
}

/** On the shop's front page: today's pre-sale with its countdown, one tap from the page that takes orders. */
export function PresaleBanner({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const presales = useShopPresales(slug);
  const first = presales.data?.[0];
  if (!first) return null;
  return (
    <Link to={`/s/${slug}/presale`} className="card presale-banner" data-testid="presale-banner">
      <strong>{first.title}</strong>
      <Countdown until={first.cutoff_at} />
      <span className="muted small">{t('presale.banner_hint', { count: first.items.reduce((a, i) => a + i.sold, 0) })}</span>
    </Link>
  );
}


/** On the shop's front page: a running bargain, one tap from starting it. */
function BargainBanner({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const first = useShopBargains(slug).data?.[0];
  if (!first) return null;
  return (
    <Link to={`/s/${slug}/bargain`} className="card presale-banner" data-testid="bargain-banner">
      <strong>{first.title}</strong>
      <span className="small">{t('bargain.banner', { floor: yuan(first.floor_price), start: yuan(first.start_price) })}</span>
    </Link>
  );
}
