import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../money.js';
import { ErrorNote, Field, Loading, formatTime } from '../../ui.js';
import { adminApi } from '../auth.js';
import { useMe } from '../access.js';
import { fenText, toFen, type Assortment, type AssortmentChange, type BNodeKind, type Product, type ReachedNode, type Supplier, type TargetOptions } from './types.js';

const KINDS: BNodeKind[] = ['store', 'leader', 'koc'];

/**
 * Assortments (货盘): a supplier drafts one from its own SKUs with supply price, retail band,
 * commission and cap, aims it at B nodes, sees whom it reaches, publishes and withdraws it. A
 * tenant admin does the same for any supplier.
 */
export function AssortmentsPage() {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: ['admin', 'assortments'], queryFn: ({ signal }) => adminApi<{ items: Assortment[] }>('/assortments', { signal }).then((r) => r.items) });
  return (
    <section data-testid="assortments-page">
      <h1 className="page-title">{t('supply.assortments_title')}</h1>
      <p className="muted small">{t('supply.assortments_hint')}</p>
      <NewAssortment />
      {list.isPending ? <Loading /> : list.error ? <ErrorNote error={list.error} /> : list.data.length === 0 ? (
        <p className="muted" data-testid="assortments-empty">{t('supply.no_assortments')}</p>
      ) : list.data.map((a) => <AssortmentCard key={a.id} assortment={a} />)}
    </section>
  );
}

interface ItemDraft { sku_id: string; label: string; include: boolean; supply: string; floor: string; ceiling: string; commission: string; cap: string }

function NewAssortment() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const isSupplier = me?.role === 'supplier_operator';
  const suppliers = useQuery({ queryKey: ['admin', 'suppliers'], queryFn: ({ signal }) => adminApi<{ items: Supplier[] }>('/suppliers', { signal }).then((r) => r.items), enabled: !!me && !isSupplier });
  const products = useQuery({ queryKey: ['admin', 'products'], queryFn: ({ signal }) => adminApi<{ items: Product[] }>('/products', { signal }).then((r) => r.items) });
  const targets = useQuery({ queryKey: ['admin', 'assortment-targets'], queryFn: ({ signal }) => adminApi<TargetOptions>('/assortments/targets', { signal }) });
  const [supplierId, setSupplierId] = useState('');
  const [name, setName] = useState('');
  const today = new Date().toISOString().slice(0, 10);
  const [from, setFrom] = useState(today);
  const [until, setUntil] = useState(new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10));
  const [regionId, setRegionId] = useState('');
  const [kinds, setKinds] = useState<BNodeKind[]>([]);
  const [tiers, setTiers] = useState('');
  const [nodeIds, setNodeIds] = useState<string[]>([]);
  const [items, setItems] = useState<Record<string, ItemDraft>>({});
  const supplier = isSupplier ? me?.supplier_id ?? '' : supplierId || suppliers.data?.[0]?.id || '';
  const skus = (products.data ?? []).filter((p) => p.supplier_id === supplier).flatMap((p) => p.skus.map((s) => ({ product: p, sku: s })));
  const draftOf = (id: string): ItemDraft => {
    if (items[id]) return items[id]!;
    const { product, sku } = skus.find((s) => s.sku.id === id)!;
    return { sku_id: id, label: `${product.title} · ${sku.name}`, include: false, supply: fenText(sku.supply_price ?? 0), floor: fenText(sku.retail_floor), ceiling: fenText(sku.retail_ceiling), commission: '10', cap: '' };
  };
  const edit = (id: string, patch: Partial<ItemDraft>) => setItems((all) => ({ ...all, [id]: { ...draftOf(id), ...patch } }));
  const chosen = skus.map((s) => draftOf(s.sku.id)).filter((d) => d.include);
  const create = useMutation({
    mutationFn: () => adminApi<Assortment>('/assortments', {
      method: 'POST',
      body: {
        ...(isSupplier ? {} : { supplier_id: supplier }),
        name,
        // Whole days in the user's time zone: from the first day's start to the last day's end.
        valid_from: new Date(`${from}T00:00:00`).toISOString(),
        valid_until: new Date(`${until}T23:59:59`).toISOString(),
        target: {
          region_id: regionId || null,
          kinds: kinds.length ? kinds : null,
          tiers: tiers.trim() ? tiers.split(/[,，\s]+/).filter(Boolean).map(Number) : null,
          node_ids: nodeIds,
        },
        items: chosen.map((d) => ({
          sku_id: d.sku_id, supply_price: toFen(d.supply), retail_floor: toFen(d.floor), retail_ceiling: toFen(d.ceiling),
          commission_bp: Math.round(Number(d.commission) * 100), node_cap: d.cap.trim() ? Number(d.cap) : null,
        })),
      },
    }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'assortments'] }),
  });
  const submit = (e: FormEvent) => { e.preventDefault(); create.mutate(); };
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  return (
    <form className="card form" onSubmit={submit} data-testid="assortment-form">
      <h2 className="section-title">{t('supply.new_assortment')}</h2>
      {!isSupplier && (
        <Field label={t('supply.supplier')}>
          <select value={supplier} onChange={(e) => { setSupplierId(e.target.value); setItems({}); }} data-testid="assortment-supplier">
            {suppliers.data?.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </Field>
      )}
      <Field label={t('supply.assortment_name')}><input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} data-testid="assortment-name" /></Field>
      <div className="row">
        <Field label={t('supply.valid_from')}><input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="assortment-from" /></Field>
        <Field label={t('supply.valid_until')}><input type="date" value={until} onChange={(e) => setUntil(e.target.value)} data-testid="assortment-until" /></Field>
      </div>
      <fieldset className="fieldset" data-testid="assortment-target">
        <legend>{t('supply.targeting')}</legend>
        <p className="muted small">{t('supply.targeting_hint')}</p>
        <Field label={t('supply.region')}>
          <select value={regionId} onChange={(e) => setRegionId(e.target.value)} data-testid="target-region">
            <option value="">{t('supply.any_region')}</option>
            {targets.data?.regions.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </Field>
        <div className="check-row" data-testid="target-kinds">
          {KINDS.map((k) => (
            <label key={k} className="check"><input type="checkbox" checked={kinds.includes(k)} onChange={() => setKinds(toggle(kinds, k))} data-testid={`target-kind-${k}`} /> {t(`shop.kind.${k}`, { defaultValue: k })}</label>
          ))}
        </div>
        <Field label={t('supply.tiers')}><input value={tiers} onChange={(e) => setTiers(e.target.value)} placeholder="1, 2" data-testid="target-tiers" /></Field>
        <details>
          <summary>{t('supply.explicit_nodes', { count: nodeIds.length })}</summary>
          {targets.data?.nodes.map((n) => (
            <label key={n.id} className="check check-line"><input type="checkbox" checked={nodeIds.includes(n.id)} onChange={() => setNodeIds(toggle(nodeIds, n.id))} data-testid="target-node" data-node={n.id} /> {n.name} <span className="muted small">{t(`shop.kind.${n.kind}`, { defaultValue: n.kind })} · T{n.tier}</span></label>
          ))}
        </details>
      </fieldset>
      <div className="table-wrap">
        <table className="table" data-testid="assortment-items">
          <thead><tr><th /><th>{t('admin.col_product')}</th><th className="num">{t('supply.supply_price')}</th><th className="num">{t('supply.floor')}</th><th className="num">{t('supply.ceiling')}</th><th className="num">{t('supply.commission_pct')}</th><th className="num">{t('supply.cap')}</th></tr></thead>
          <tbody>
            {skus.map(({ sku }) => {
              const d = draftOf(sku.id);
              return (
                <tr key={sku.id} data-testid="item-row" data-sku={sku.id}>
                  <td><input type="checkbox" checked={d.include} onChange={(e) => edit(sku.id, { include: e.target.checked })} data-testid="item-include" aria-label={d.label} /></td>
                  <td>{d.label}<br /><span className="muted small mono">{sku.code}</span></td>
                  <td className="num"><input className="num-input" value={d.supply} onChange={(e) => edit(sku.id, { supply: e.target.value })} data-testid="item-supply" /></td>
                  <td className="num"><input className="num-input" value={d.floor} onChange={(e) => edit(sku.id, { floor: e.target.value })} data-testid="item-floor" /></td>
                  <td className="num"><input className="num-input" value={d.ceiling} onChange={(e) => edit(sku.id, { ceiling: e.target.value })} data-testid="item-ceiling" /></td>
                  <td className="num"><input className="num-input" value={d.commission} onChange={(e) => edit(sku.id, { commission: e.target.value })} data-testid="item-commission" /></td>
                  <td className="num"><input className="num-input" value={d.cap} onChange={(e) => edit(sku.id, { cap: e.target.value })} placeholder="—" data-testid="item-cap" /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ErrorNote error={create.error} testId="assortment-error" />
      {create.data && (
        <p className={create.data.warnings.length ? 'error' : 'notice'} data-testid="assortment-created" data-reach={create.data.reach}>
          {create.data.warnings.includes('targets_nobody') ? t('supply.targets_nobody') : t('supply.created', { name: create.data.name, count: create.data.reach })}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.isPending || !name.trim() || chosen.length === 0} data-testid="assortment-submit">{t('supply.save_draft')}</button>
      </div>
    </form>
  );
}

function AssortmentCard({ assortment: a }: { assortment: Assortment }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [showReach, setShowReach] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'assortments'] });
  const move = useMutation({ mutationFn: (to: 'publish' | 'withdraw') => adminApi(`/assortments/${a.id}/${to}`, { method: 'POST' }), onSuccess: refresh });
  const reach = useQuery({ queryKey: ['admin', 'assortment-reach', a.id], queryFn: ({ signal }) => adminApi<{ items: ReachedNode[] }>(`/assortments/${a.id}/reach`, { signal }).then((r) => r.items), enabled: showReach });
  const open = a.status === 'draft' || a.status === 'published';
  return (
    <article className="card" data-testid="assortment" data-name={a.name} data-status={a.status}>
      <div className="card-head">
        <h2 className="section-title">{a.name} <span className={`badge badge-${a.status}`} data-testid="assortment-status">{t(`supply.status.${a.status}`)}</span></h2>
        <span className="muted small">{a.supplier_name} · {formatTime(a.valid_from, i18n.language)} – {formatTime(a.valid_until, i18n.language)}</span>
      </div>
      <p className="row">
        <span data-testid="assortment-reach" data-reach={a.reach}>{t('supply.reach', { count: a.reach })}</span>
        <button type="button" className="link" onClick={() => setShowReach(!showReach)} data-testid="assortment-show-reach">{showReach ? t('supply.hide_nodes') : t('supply.show_nodes')}</button>
      </p>
      {a.warnings.includes('targets_nobody') && <p className="error small" data-testid="assortment-warning">{t('supply.targets_nobody')}</p>}
      {showReach && (reach.isPending ? <Loading /> : (
        <ul className="plain-list" data-testid="reach-list">
          {reach.data?.map((n) => <li key={n.id} data-testid="reach-node" data-node={n.id}>{n.name} <span className="muted small">{t(`shop.kind.${n.kind}`, { defaultValue: n.kind })} · T{n.tier}</span></li>)}
        </ul>
      ))}
      <div className="table-wrap">
        <table className="table">
          <thead><tr><th>{t('admin.col_product')}</th><th className="num">{t('supply.supply_price')}</th><th className="num">{t('supply.band')}</th><th className="num">{t('supply.commission_pct')}</th><th className="num">{t('supply.cap')}</th>{open && <th />}</tr></thead>
          <tbody>{a.items.map((i) => <ItemRow key={i.sku_id} assortmentId={a.id} item={i} editable={open} />)}</tbody>
        </table>
      </div>
      <ErrorNote error={move.error} />
      <div className="form-actions">
        {a.status === 'draft' && <button type="button" className="primary" disabled={move.isPending} onClick={() => move.mutate('publish')} data-testid="assortment-publish">{t('supply.publish')}</button>}
        {open && <button type="button" disabled={move.isPending} onClick={() => move.mutate('withdraw')} data-testid="assortment-withdraw">{t('supply.withdraw')}</button>}
      </div>
    </article>
  );
}

/** One SKU's terms; changing them in a published assortment pauses the listings outside the new band. */
function ItemRow({ assortmentId, item, editable }: { assortmentId: string; item: Assortment['items'][number]; editable: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({ supply: fenText(item.supply_price), floor: fenText(item.retail_floor), ceiling: fenText(item.retail_ceiling) });
  const save = useMutation({
    mutationFn: () => adminApi<AssortmentChange>(`/assortments/${assortmentId}/items/${item.sku_id}`, { method: 'PUT', body: { supply_price: toFen(draft.supply), retail_floor: toFen(draft.floor), retail_ceiling: toFen(draft.ceiling), commission_bp: item.commission_bp, node_cap: item.node_cap } }),
    onSuccess: () => { setEditing(false); void queryClient.invalidateQueries({ queryKey: ['admin', 'assortments'] }); },
  });
  return (
    <tr data-testid="assortment-item" data-sku={item.sku_id}>
      <td>{item.title} · {item.sku_name}<br /><span className="muted small mono">{item.code}</span>
        {save.data && save.data.paused_listings > 0 && <span className="error small check-line" data-testid="item-paused">{t('supply.paused_listings', { count: save.data.paused_listings })}</span>}
      </td>
      {editing ? (
        <>
          <td className="num"><input className="num-input" value={draft.supply} onChange={(e) => setDraft({ ...draft, supply: e.target.value })} data-testid="edit-supply" /></td>
          <td className="num nowrap">
            <input className="num-input" value={draft.floor} onChange={(e) => setDraft({ ...draft, floor: e.target.value })} data-testid="edit-floor" /> –{' '}
            <input className="num-input" value={draft.ceiling} onChange={(e) => setDraft({ ...draft, ceiling: e.target.value })} data-testid="edit-ceiling" />
          </td>
        </>
      ) : (
        <>
          <td className="num">{yuan(item.supply_price)}</td>
          <td className="num nowrap" data-testid="item-band">{yuan(item.retail_floor)} – {yuan(item.retail_ceiling)}</td>
        </>
      )}
      <td className="num">{(item.commission_bp / 100).toFixed(2)}%</td>
      <td className="num">{item.node_cap ?? '—'}</td>
      {editable && (
        <td>
          {editing
            ? <button type="button" className="small primary" disabled={save.isPending} onClick={() => save.mutate()} data-testid="edit-save">{t('supply.save')}</button>
            : <button type="button" className="small" onClick={() => setEditing(true)} data-testid="item-edit">{t('supply.change_terms')}</button>}
          <ErrorNote error={save.error} />
        </td>
      )}
    </tr>
  );
}
