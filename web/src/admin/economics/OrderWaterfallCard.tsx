import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import type { OrderWaterfall } from './types.js';
import { orderLines, WaterfallTable } from './WaterfallTable.js';

/** The stored money waterfall of a paid order: where each fen of the payment went. */
export function OrderWaterfallCard({ orderId, version }: { orderId: string; version: string }) {
  const { t } = useTranslation();
  // `version` changes with status and refunds, which recompute the stored waterfall on the server.
  const wf = useQuery({
    queryKey: ['admin', 'order-waterfall', orderId, version],
    queryFn: ({ signal }) => adminApi<OrderWaterfall>(`/orders/${orderId}/waterfall`, { signal }),
  });
  return (
    <section className="card" data-testid="order-waterfall">
      <h2 className="section-title">{t('economics.order_waterfall')}</h2>
      {wf.isPending ? <Loading /> : wf.error ? <ErrorNote error={wf.error} /> : 'computed' in wf.data
        ? <p className="muted" data-testid="order-waterfall-none">{t('economics.not_computed')}</p>
        : <WaterfallTable lines={orderLines(wf.data, t)} paid={wf.data.paid} testId="order-waterfall-table" hideZero />}
    </section>
  );
}
