import { Link, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { yuan } from '../money.js';
import type { OrderList } from '../types.js';
import { ErrorNote, Loading, StatusBadge, formatTime } from '../ui.js';
import { NeedSession } from './OrderPage.js';
import { forgetIfExpired, useShopSession } from './session.js';

export function MyOrdersPage() {
  const { slug = '' } = useParams();
  const { t, i18n } = useTranslation();
  const session = useShopSession(slug);
  const orders = useQuery({
    queryKey: ['consumer-orders', session?.token],
    enabled: !!session,
    queryFn: async ({ signal }) => {
      try {
        return await api<OrderList>('/orders', { token: session?.token, query: { limit: 50 }, signal });
      } catch (err) {
        forgetIfExpired(slug, err);
        throw err;
      }
    },
  });
  if (!session) return <NeedSession slug={slug} />;
  if (orders.isPending) return <Loading />;
  if (orders.error) return <ErrorNote error={orders.error} />;
  return (
    <>
      <h1 className="page-title">{t('shop.my_orders')}</h1>
      {orders.data.items.length === 0 && <p className="empty" data-testid="my-orders-empty">{t('shop.orders_empty')}</p>}
      <ul className="order-cards">
        {orders.data.items.map((o) => (
          <li key={o.id}>
            <Link to={`/s/${slug}/orders/${o.id}`} className="card order-card" data-testid="my-order">
              <span className="row">
                <span className="muted small">{formatTime(o.created_at, i18n.language)}</span>
                <StatusBadge status={o.status} />
              </span>
              <span className="row">
                <span className="small">{o.b_node_name}</span>
                <strong className="price">{yuan(o.total)}</strong>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
