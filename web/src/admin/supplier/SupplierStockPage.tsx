import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import type { StockRow, Warehouse } from './types.js';

/**
 * A supplier's stock: its own warehouses and the tenant's, each with the supplier's own SKUs only
 * (the server scopes both; another supplier's warehouse is not listed and answers 404).
 */
export function SupplierStockPage() {
  const { t } = useTranslation();
  const warehouses = useQuery({ queryKey: ['admin', 'warehouses'], queryFn: ({ signal }) => adminApi<{ items: Warehouse[] }>('/warehouses', { signal }).then((r) => r.items) });
  const [picked, setPicked] = useState('');
  const warehouseId = picked || warehouses.data?.[0]?.id || '';
  const stock = useQuery({
    queryKey: ['admin', 'stock', warehouseId],
    queryFn: ({ signal }) => adminApi<{ items: StockRow[] }>(`/warehouses/${warehouseId}/stock`, { signal }).then((r) => r.items),
    enabled: !!warehouseId,
  });
  if (warehouses.isPending) return <Loading />;
  if (warehouses.error) return <ErrorNote error={warehouses.error} />;
  return (
    <section data-testid="supplier-stock">
      <h1 className="page-title">{t('supply.portal_stock')}</h1>
      <p className="muted small">{t('supply.stock_hint')}</p>
      <select value={warehouseId} onChange={(e) => setPicked(e.target.value)} data-testid="stock-warehouse">
        {warehouses.data.map((w) => <option key={w.id} value={w.id}>{w.name}{w.supplier_id ? ` · ${t('supply.own_warehouse')}` : ''}</option>)}
      </select>
      {stock.isPending ? <Loading /> : stock.error ? <ErrorNote error={stock.error} /> : (
        <div className="table-wrap">
          <table className="table" data-testid="stock-table">
            <thead><tr><th>{t('admin.col_product')}</th><th className="num">{t('supply.on_hand')}</th><th className="num">{t('supply.reserved')}</th><th className="num">{t('supply.available')}</th><th /></tr></thead>
            <tbody>{stock.data.map((r) => <StockLine key={r.sku_id} warehouseId={warehouseId} row={r} />)}</tbody>
          </table>
          {stock.data.length === 0 && <p className="empty">{t('supply.no_stock')}</p>}
        </div>
      )}
    </section>
  );
}

function StockLine({ warehouseId, row }: { warehouseId: string; row: StockRow }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(String(row.on_hand));
  const save = useMutation({
    mutationFn: () => adminApi('/stock', { method: 'PUT', body: { warehouse_id: warehouseId, sku_id: row.sku_id, on_hand: Number(value) } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'stock', warehouseId] }),
  });
  return (
    <tr data-testid="stock-row" data-sku={row.sku_id}>
      <td>{row.name}<br /><span className="muted small mono">{row.code}</span></td>
      <td className="num"><input className="num-input" inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} aria-label={t('supply.on_hand')} /></td>
      <td className="num">{row.reserved}</td>
      <td className="num">{row.available}</td>
      <td>
        <button type="button" className="small" disabled={save.isPending || !/^\d+$/.test(value)} onClick={() => save.mutate()}>{t('supply.save')}</button>
        <ErrorNote error={save.error} />
      </td>
    </tr>
  );
}
