import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.js';
import { yuan } from '../../money.js';
import { ErrorNote, Field, Loading } from '../../ui.js';
import { adminApi, useAdminSession } from '../auth.js';
import { useCan } from '../access.js';
import {
  attributesFromText, attributesToText, categoryOptions, fenFromYuan, yuanInput,
  type Category, type Product, type ProductImage, type Sku, type StockRow, type Warehouse,
} from './types.js';

/** One product: its text, category and attributes, images, SKUs with prices and pack sizes, and stock per warehouse. */
export function ProductEditPage() {
  const { productId = '' } = useParams();
  const { t } = useTranslation();
  const product = useQuery({ queryKey: ['admin', 'product', productId], queryFn: ({ signal }) => adminApi<Product>(`/products/${productId}`, { signal }) });
  if (product.isPending) return <Loading />;
  if (product.error) return <ErrorNote error={product.error} />;
  return (
    <section data-testid="product-edit-page">
      <p><Link to="/admin/products" className="link">← {t('catalog.back')}</Link></p>
      <h1 className="page-title" data-testid="product-edit-title">{product.data.title}</h1>
      <ProductForm product={product.data} />
      <ImagesSection product={product.data} />
      <SkusSection product={product.data} />
      <StockSection product={product.data} />
    </section>
  );
}

function useRefresh(productId: string) {
  const queryClient = useQueryClient();
  return () => Promise.all([
    queryClient.invalidateQueries({ queryKey: ['admin', 'product', productId] }),
    queryClient.invalidateQueries({ queryKey: ['admin', 'products'] }),
  ]);
}

function ProductForm({ product }: { product: Product }) {
  const { t } = useTranslation();
  const can = useCan();
  const refresh = useRefresh(product.id);
  const categories = useQuery({ queryKey: ['admin', 'categories'], queryFn: ({ signal }) => adminApi<{ items: Category[] }>('/categories', { signal }).then((r) => r.items) });
  const [title, setTitle] = useState(product.title);
  const [description, setDescription] = useState(product.description);
  const [categoryId, setCategoryId] = useState(product.category_id ?? '');
  const [attributes, setAttributes] = useState(attributesToText(product.attributes));
  const save = useMutation({
    mutationFn: () => adminApi<Product>(`/products/${product.id}`, { method: 'PATCH', body: { title, description, category_id: categoryId || null, attributes: attributesFromText(attributes) } }),
    onSuccess: refresh,
  });
  const editable = can('catalog.write');
  return (
    <form className="card" onSubmit={(e) => { e.preventDefault(); save.mutate(); }} data-testid="product-form">
      <div className="form-grid">
        <Field label={t('catalog.title')}><input value={title} onChange={(e) => setTitle(e.target.value)} disabled={!editable} required maxLength={200} data-testid="product-title-input" /></Field>
        <Field label={t('catalog.category')}>
          <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)} disabled={!editable} data-testid="product-category">
            <option value="">{t('catalog.no_category')}</option>
            {categoryOptions(categories.data ?? []).map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
          </select>
        </Field>
      </div>
      <Field label={t('catalog.description')}><textarea value={description} onChange={(e) => setDescription(e.target.value)} disabled={!editable} rows={3} maxLength={5000} /></Field>
      <Field label={`${t('catalog.attributes')} — ${t('catalog.attributes_hint')}`}><textarea value={attributes} onChange={(e) => setAttributes(e.target.value)} disabled={!editable} rows={2} data-testid="product-attributes" /></Field>
      {editable && <button type="submit" className="primary" disabled={save.isPending} data-testid="product-save">{t('catalog.save')}</button>}
      {save.isSuccess && <span className="muted small" data-testid="product-saved"> {t('catalog.saved')}</span>}
      {save.error && <ErrorNote error={save.error} />}
    </form>
  );
}

function ImagesSection({ product }: { product: Product }) {
  const { t } = useTranslation();
  const can = useCan();
  const session = useAdminSession();
  const refresh = useRefresh(product.id);
  const images = product.images ?? [];
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (files: FileList | null) => {
    if (!files?.length) return;
    setBusy(true);
    setError(null);
    try {
      for (const file of Array.from(files)) {
        const form = new FormData();
        form.append('file', file);
        // multipart: the JSON client does not send files, so this one call uses fetch directly.
        const res = await fetch(`/api/v1/products/${product.id}/images`, { method: 'POST', body: form, headers: { authorization: `Bearer ${session?.token ?? ''}` } });
        if (!res.ok) {
          const p = await res.json().catch(() => ({})) as { code?: string; detail?: string; detail_zh?: string };
          throw new ApiError(res.status, p.code ?? `http_${res.status}`, p.detail ?? res.statusText, p.detail_zh ?? '', p);
        }
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      await refresh();
    }
  };
  const order = useMutation({
    mutationFn: (ids: string[]) => adminApi(`/products/${product.id}/images/order`, { method: 'PUT', body: { image_ids: ids } }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => adminApi(`/products/${product.id}/images/${id}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });
  const moveLeft = (i: number) => {
    const ids = images.map((x) => x.id);
    [ids[i - 1], ids[i]] = [ids[i]!, ids[i - 1]!];
    order.mutate(ids);
  };
  const editable = can('catalog.write');
  return (
    <section className="card" data-testid="images-section">
      <h2 className="section-title">{t('catalog.images')}</h2>
      <div className="image-strip">
        {images.map((img: ProductImage, i) => (
          <figure key={img.id} data-testid="product-image">
            <img src={img.thumb_url} alt="" />
            <figcaption className="small muted">{i === 0 ? t('catalog.cover') : `#${i + 1}`}</figcaption>
            {editable && (
              <span className="row">
                {i > 0 && <button type="button" className="link" onClick={() => moveLeft(i)} data-testid="image-left">{t('catalog.move_left')}</button>}
                <button type="button" className="link danger" onClick={() => remove.mutate(img.id)} data-testid="image-delete">{t('catalog.delete')}</button>
              </span>
            )}
          </figure>
        ))}
      </div>
      {editable && (
        <label className="field">
          <span>{t('catalog.upload_image')} — {t('catalog.images_hint')}</span>
          <input type="file" accept="image/jpeg,image/png,image/webp,image/gif,image/avif" multiple disabled={busy} onChange={(e) => { void upload(e.target.files); e.target.value = ''; }} data-testid="image-upload" />
        </label>
      )}
      {!!error && <ErrorNote error={error} testId="image-error" />}
    </section>
  );
}

const PRICE_FIELDS = ['supply_price', 'suggested_price', 'retail_floor', 'retail_ceiling'] as const;

function SkusSection({ product }: { product: Product }) {
  const { t } = useTranslation();
  const can = useCan();
  return (
    <section className="card" data-testid="skus-section">
      <h2 className="section-title">{t('catalog.skus')}</h2>
      {product.skus.map((s) => <SkuForm key={s.id} product={product} sku={s} editable={can('catalog.write')} showSupply={can('supply_cost.read')} />)}
      {can('catalog.write') && <SkuForm product={product} editable showSupply />}
    </section>
  );
}

function SkuForm({ product, sku, editable, showSupply }: { product: Product; sku?: Sku; editable: boolean; showSupply: boolean }) {
  const { t } = useTranslation();
  const refresh = useRefresh(product.id);
  const [fields, setFields] = useState({
    code: sku?.code ?? '', name: sku?.name ?? '', barcode: sku?.barcode ?? '',
    case_pack: String(sku?.case_pack ?? 1), min_order_qty: String(sku?.min_order_qty ?? 1), attributes: attributesToText(sku?.attributes),
    ...Object.fromEntries(PRICE_FIELDS.map((f) => [f, yuanInput(sku?.[f])])) as Record<(typeof PRICE_FIELDS)[number], string>,
  });
  const set = (k: keyof typeof fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [k]: e.target.value }));
  const save = useMutation({
    mutationFn: () => {
      const prices = Object.fromEntries(PRICE_FIELDS.filter((f) => showSupply || f !== 'supply_price').map((f) => [f, fenFromYuan(fields[f]) ?? -1]));
      const body = {
        name: fields.name, ...prices, barcode: fields.barcode.trim() || null,
        case_pack: Number(fields.case_pack), min_order_qty: Number(fields.min_order_qty), attributes: attributesFromText(fields.attributes),
      };
      return sku
        ? adminApi<Sku>(`/skus/${sku.id}`, { method: 'PATCH', body })
        : adminApi<Sku>(`/products/${product.id}/skus`, { method: 'POST', body: { code: fields.code, ...body } });
    },
    onSuccess: refresh,
  });
  const submit = (e: FormEvent) => { e.preventDefault(); save.mutate(); };
  return (
    <form className="sku-form" onSubmit={submit} data-testid={sku ? 'sku-form' : 'new-sku-form'}>
      {!sku && <h3 className="small">{t('catalog.add_sku')}</h3>}
      <div className="form-grid">
        <Field label={t('catalog.code')}><input value={fields.code} onChange={set('code')} disabled={!!sku || !editable} required maxLength={64} data-testid="sku-code" /></Field>
        <Field label={t('catalog.name')}><input value={fields.name} onChange={set('name')} disabled={!editable} required maxLength={200} data-testid="sku-name" /></Field>
        {PRICE_FIELDS.filter((f) => showSupply || f !== 'supply_price').map((f) => (
          <Field key={f} label={t(`catalog.${f}`)}><input value={fields[f]} onChange={set(f)} disabled={!editable} inputMode="decimal" required data-testid={`sku-${f}`} /></Field>
        ))}
        <Field label={t('catalog.barcode')}><input value={fields.barcode} onChange={set('barcode')} disabled={!editable} maxLength={32} data-testid="sku-barcode" /></Field>
        <Field label={t('catalog.case_pack')}><input type="number" min={1} max={10000} value={fields.case_pack} onChange={set('case_pack')} disabled={!editable} data-testid="sku-case-pack" /></Field>
        <Field label={t('catalog.min_order_qty')}><input type="number" min={1} value={fields.min_order_qty} onChange={set('min_order_qty')} disabled={!editable} data-testid="sku-moq" /></Field>
        <Field label={t('catalog.attributes')}><textarea value={fields.attributes} onChange={set('attributes')} disabled={!editable} rows={1} placeholder="尺码=L" data-testid="sku-attributes" /></Field>
      </div>
      {editable && <button type="submit" disabled={save.isPending} data-testid="sku-save">{sku ? t('catalog.save') : t('catalog.create')}</button>}
      {sku && !showSupply && <span className="muted small"> {yuan(sku.retail_floor)} – {yuan(sku.retail_ceiling)}</span>}
      {save.isSuccess && <span className="muted small"> {t('catalog.saved')}</span>}
      {save.error && <ErrorNote error={save.error} />}
    </form>
  );
}

function StockSection({ product }: { product: Product }) {
  const { t } = useTranslation();
  const can = useCan();
  const queryClient = useQueryClient();
  const warehouses = useQuery({ queryKey: ['admin', 'warehouses'], queryFn: ({ signal }) => adminApi<{ items: Warehouse[] }>('/warehouses', { signal }).then((r) => r.items), enabled: can('stock.read') });
  const stock = useQueries({
    queries: (warehouses.data ?? []).map((w) => ({
      queryKey: ['admin', 'stock', w.id],
      queryFn: ({ signal }: { signal: AbortSignal }) => adminApi<{ items: StockRow[] }>(`/warehouses/${w.id}/stock`, { signal }).then((r) => r.items),
    })),
  });
  const setStock = useMutation({
    mutationFn: (input: { warehouse_id: string; sku_id: string; on_hand: number }) => adminApi('/stock', { method: 'PUT', body: input }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['admin', 'stock'] });
      await queryClient.invalidateQueries({ queryKey: ['admin', 'product', product.id] });
    },
  });
  if (!can('stock.read')) return null;
  if (warehouses.isPending) return <Loading />;
  if (warehouses.error) return <ErrorNote error={warehouses.error} />;
  return (
    <section className="card" data-testid="stock-section">
      <h2 className="section-title">{t('catalog.stock')}</h2>
      <div className="table-wrap">
        <table className="table">
          <thead><tr><th>{t('catalog.warehouse')}</th><th>SKU</th><th className="num">{t('catalog.on_hand')}</th><th className="num">{t('catalog.reserved')}</th><th className="num">{t('catalog.available')}</th>{can('stock.write') && <th>{t('catalog.set_stock')}</th>}</tr></thead>
          <tbody>
            {warehouses.data.flatMap((w, wi) => product.skus.map((s) => {
              const row = stock[wi]?.data?.find((r) => r.sku_id === s.id);
              return (
                <tr key={`${w.id}:${s.id}`} data-testid="stock-row" data-warehouse={w.id} data-sku={s.id}>
                  <td>{w.name}</td><td>{s.name} <span className="muted small mono">{s.code}</span></td>
                  <td className="num" data-testid="stock-on-hand">{row?.on_hand ?? 0}</td><td className="num">{row?.reserved ?? 0}</td><td className="num">{row?.available ?? 0}</td>
                  {can('stock.write') && <td><StockInput key={row?.on_hand ?? -1} current={row?.on_hand ?? 0} onSet={(n) => setStock.mutate({ warehouse_id: w.id, sku_id: s.id, on_hand: n })} /></td>}
                </tr>
              );
            }))}
          </tbody>
        </table>
      </div>
      {setStock.error && <ErrorNote error={setStock.error} />}
    </section>
  );
}

function StockInput({ current, onSet }: { current: number; onSet: (n: number) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(String(current));
  return (
    <form className="row" onSubmit={(e) => { e.preventDefault(); const n = Number(value); if (Number.isInteger(n) && n >= 0) onSet(n); }}>
      <input type="number" min={0} value={value} onChange={(e) => setValue(e.target.value)} style={{ width: 90 }} data-testid="stock-input" />
      <button type="submit" data-testid="stock-set">{t('catalog.set_stock')}</button>
    </form>
  );
}
