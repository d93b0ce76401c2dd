import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import { ErrorNote, Loading } from '../ui.js';
import { adminApi } from './auth.js';
import { useCan } from './access.js';
import { categoryOptions, type Category, type Product, type Sku, type Supplier } from './catalog/types.js';

const LOW_STOCK = 10;

/**
 * The catalog as the user may read it, searchable: a supplier its own products; supply prices
 * only for those who may see them; free stock and the low-stock filter for those who read stock.
 */
export function ProductsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const showSupply = can('supply_cost.read');
  const showStock = can('stock.read');
  const [text, setText] = useState('');
  const [filters, setFilters] = useState({ q: '', category_id: '', supplier_id: '', low: false });
  const categories = useQuery({ queryKey: ['admin', 'categories'], queryFn: ({ signal }) => adminApi<{ items: Category[] }>('/categories', { signal }).then((r) => r.items) });
  const suppliers = useQuery({ queryKey: ['admin', 'suppliers'], queryFn: ({ signal }) => adminApi<{ items: Supplier[] }>('/suppliers', { signal }).then((r) => r.items) });
  const products = useQuery({
    queryKey: ['admin', 'products', filters],
    queryFn: ({ signal }) => adminApi<{ items: Product[] }>('/products', {
      signal, query: { q: filters.q, category_id: filters.category_id, supplier_id: filters.supplier_id, low_stock: filters.low ? LOW_STOCK : undefined },
    }).then((r) => r.items),
    placeholderData: (previous) => previous,
  });
  const search = (e: FormEvent) => { e.preventDefault(); setFilters((f) => ({ ...f, q: text.trim() })); };
  const options = categoryOptions(categories.data ?? []);
  const categoryName = new Map(options.map((o) => [o.id, o.label]));
  const supplierName = new Map((suppliers.data ?? []).map((s) => [s.id, s.name]));

  return (
    <section data-testid="products-page">
      <div className="row-between">
        <h1 className="page-title">{t('catalog.products_title')}</h1>
        {can('tenant.manage') && <Link to="/admin/products/categories" className="link" data-testid="manage-categories">{t('catalog.categories_title')}</Link>}
      </div>
      <form className="filters" onSubmit={search} role="search">
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('catalog.filter_text')} data-testid="product-search" />
        <select value={filters.category_id} onChange={(e) => setFilters((f) => ({ ...f, category_id: e.target.value }))} data-testid="filter-category">
          <option value="">{t('catalog.filter_category')}</option>
          {options.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
        </select>
        {(suppliers.data?.length ?? 0) > 1 && (
          <select value={filters.supplier_id} onChange={(e) => setFilters((f) => ({ ...f, supplier_id: e.target.value }))} data-testid="filter-supplier">
            <option value="">{t('catalog.filter_supplier')}</option>
            {suppliers.data!.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        )}
        {showStock && (
          <label className="inline">
            <input type="checkbox" checked={filters.low} onChange={(e) => setFilters((f) => ({ ...f, low: e.target.checked }))} data-testid="filter-low-stock" />
            {t('catalog.filter_low_stock', { count: LOW_STOCK })}
          </label>
        )}
        <button type="submit" data-testid="product-search-submit">{t('catalog.search')}</button>
      </form>
      {can('catalog.write') && suppliers.data && <NewProduct suppliers={suppliers.data} onCreated={(id) => navigate(`/admin/products/${id}`)} />}
      {products.isPending ? <Loading /> : products.error ? <ErrorNote error={products.error} /> : (
        <div className="table-wrap">
          <table className="table" data-testid="products-table">
            <thead>
              <tr>
                <th>{t('catalog.col_image')}</th>
                <th>{t('admin.col_product')}</th>
                <th>{t('catalog.col_category')}</th>
                <th className="num">{t('admin.col_suggested_price')}</th>
                <th className="num">{t('admin.col_retail_band')}</th>
                {showSupply && <th className="num" data-testid="col-supply-price">{t('admin.col_supply_price')}</th>}
                {showStock && <th className="num">{t('catalog.col_stock')}</th>}
              </tr>
            </thead>
            <tbody>
              {products.data.flatMap((p): { product: Product; sku: Sku | undefined }[] => p.skus.length === 0 ? [{ product: p, sku: undefined }] : p.skus.map((s) => ({ product: p, sku: s }))).map(({ product, sku }, i, rows) => {
                const first = i === 0 || rows[i - 1]!.product.id !== product.id;
                return (
                  <tr key={sku?.id ?? product.id} data-testid="product-row" data-supplier={product.supplier_id} data-product={product.id}>
                    <td>{first && (product.image_url ? <img className="thumb" src={product.image_url} alt="" /> : <span className="thumb" />)}</td>
                    <td className="product-cell">
                      <Link to={`/admin/products/${product.id}`} className="link" data-testid="product-link">{product.title}</Link>
                      {sku && <> · {sku.name}<br /><span className="muted small mono">{sku.code}{sku.barcode ? ` · ${sku.barcode}` : ''}</span></>}
                      {first && supplierName.size > 1 && <><br /><span className="muted small">{supplierName.get(product.supplier_id)}</span></>}
                    </td>
                    <td className="small">{product.category_id ? categoryName.get(product.category_id) : '—'}</td>
                    <td className="num">{sku ? yuan(sku.suggested_price) : '—'}</td>
                    <td className="num nowrap">{sku ? `${yuan(sku.retail_floor)} – ${yuan(sku.retail_ceiling)}` : '—'}</td>
                    {showSupply && <td className="num">{sku?.supply_price === undefined ? '—' : yuan(sku.supply_price)}</td>}
                    {showStock && <td className={sku && (sku.available ?? 0) <= LOW_STOCK ? 'num sold-out' : 'num'} data-testid="sku-available">{sku ? sku.available ?? 0 : '—'}</td>}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {products.data.length === 0 && <p className="empty">{t('admin.no_products')}</p>}
        </div>
      )}
    </section>
  );
}

function NewProduct({ suppliers, onCreated }: { suppliers: Supplier[]; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [supplier, setSupplier] = useState(suppliers[0]?.id ?? '');
  const create = useMutation({
    mutationFn: () => adminApi<Product>('/products', { method: 'POST', body: { supplier_id: supplier, title: title.trim() } }),
    onSuccess: (p) => onCreated(p.id),
  });
  if (!open) return <p><button type="button" onClick={() => setOpen(true)} data-testid="new-product">{t('catalog.new_product')}</button></p>;
  return (
    <form className="filters" onSubmit={(e) => { e.preventDefault(); create.mutate(); }} data-testid="new-product-form">
      <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder={t('catalog.title')} required maxLength={200} data-testid="new-product-title" />
      {suppliers.length > 1 && (
        <select value={supplier} onChange={(e) => setSupplier(e.target.value)} data-testid="new-product-supplier">
          {suppliers.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
      )}
      <button type="submit" className="primary" disabled={create.isPending || !title.trim()} data-testid="new-product-create">{t('catalog.create')}</button>
      {create.error && <ErrorNote error={create.error} />}
    </form>
  );
}
