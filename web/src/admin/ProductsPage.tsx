import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import { ErrorNote, Loading } from '../ui.js';
import { adminApi } from './auth.js';
import { useCan } from './access.js';
import type { Product } from './economics/types.js';

/** The catalog as the user may read it: a supplier its own products; supply prices only for those who may see them. */
export function ProductsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const showSupply = can('supply_cost.read');
  const products = useQuery({
    queryKey: ['admin', 'products'],
    queryFn: ({ signal }) => adminApi<{ items: Product[] }>('/products', { signal }).then((r) => r.items),
  });
  if (products.isPending) return <Loading />;
  if (products.error) return <ErrorNote error={products.error} />;
  const rows = products.data.flatMap((p) => p.skus.map((s) => ({ product: p, sku: s })));
  return (
    <section data-testid="products-page">
      <h1 className="page-title">{t('admin.products')}</h1>
      <div className="table-wrap">
        <table className="table" data-testid="products-table">
          <thead>
            <tr>
              <th>{t('admin.col_product')}</th>
              <th className="num">{t('admin.col_suggested_price')}</th>
              <th className="num">{t('admin.col_retail_band')}</th>
              {showSupply && <th className="num" data-testid="col-supply-price">{t('admin.col_supply_price')}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ product, sku }) => (
              <tr key={sku.id} data-testid="product-row" data-supplier={product.supplier_id}>
                <td className="product-cell">{product.title} · {sku.name}<br /><span className="muted small mono">{sku.code}</span></td>
                <td className="num">{yuan(sku.suggested_price)}</td>
                <td className="num nowrap">{yuan(sku.retail_floor)} – {yuan(sku.retail_ceiling)}</td>
                {showSupply && <td className="num">{sku.supply_price === undefined ? '—' : yuan(sku.supply_price)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p className="empty">{t('admin.no_products')}</p>}
      </div>
    </section>
  );
}
