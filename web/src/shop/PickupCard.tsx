import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import type { components } from '../api/schema.gen.js';

type PickupPoint = components['schemas']['PickupPoint'];

/** Where the shop's buyers collect: address, opening hours and a map link (AMap, from the GCJ-02 point). */
export function PickupCard({ slug, address }: { slug: string; address: string }) {
  const { t } = useTranslation();
  const point = useQuery({ queryKey: ['shop', slug, 'pickup-point'], queryFn: ({ signal }) => api<PickupPoint>(`/shops/${slug}/pickup-point`, { signal }), staleTime: 300_000 });
  const shown = point.data?.address || address;
  if (!shown) return null;
  return (
    <div className="pickup-note pickup-card" data-testid="pickup-card">
      <p data-testid="pickup-address">{t('shop.pickup_at', { address: shown })}</p>
      {point.data?.hours && <p className="small" data-testid="pickup-hours">{t('shop.pickup_hours', { hours: point.data.hours })}</p>}
      {point.data?.map_url && <a href={point.data.map_url} target="_blank" rel="noreferrer" data-testid="pickup-map">{t('shop.pickup_map')}</a>}
    </div>
  );
}
