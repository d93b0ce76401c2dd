import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { yuan } from '../../money.js';
import { ErrorNote, Field, formatTime, Loading } from '../../ui.js';
import type { FlashSale, FlashSaleResults, GroupBuy, GroupBuyResults, ShopCatalog } from '../../types.js';
import { adminApi } from '../auth.js';
import { Can } from '../access.js';
import { EconomicsNav, VerdictBadge } from './EconomicsNav.js';
import { yuanToFen } from './format.js';
import { useBNodes } from './queries.js';
import type { BNode } from './types.js';
import { GuardOutcome, useGuardedCreate } from './useGuardedCreate.js';

const FLASH_KEY = ['admin', 'flash-sales'] as const;
const GROUP_KEY = ['admin', 'group-buys'] as const;

/** Flash sales and group buys: create (with the guard's verdict), list, and each one's results. */
export function SalesCampaignsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const nodes = useBNodes();
  const flash = useQuery({ queryKey: FLASH_KEY, queryFn: ({ signal }) => adminApi<{ items: FlashSale[] }>('/flash-sales', { signal }).then((r) => r.items) });
  const groups = useQuery({ queryKey: GROUP_KEY, queryFn: ({ signal }) => adminApi<{ items: GroupBuy[] }>('/group-buys', { signal }).then((r) => r.items) });
  const shopName = (id: string) => nodes.data?.find((n) => n.id === id)?.name ?? id;
  return (
    <section data-testid="sales-campaigns-page">
      <h1 className="page-title">{t('economics.title')}</h1>
      <EconomicsNav />
      <h2 className="section-title">{t('promo.nav')}</h2>
      <section className="card">
        <h2 className="section-title">{t('promo.flash_sales')}</h2>
        {flash.isPending ? <Loading /> : flash.error ? <ErrorNote error={flash.error} /> : flash.data.length === 0 ? <p className="empty">{t('promo.none')}</p> : (
          <ul className="campaign-list plain">{flash.data.map((s) => <FlashRow key={s.id} sale={s} shop={shopName(s.b_node_id)} />)}</ul>
        )}
      </section>
      <section className="card">
        <h2 className="section-title">{t('promo.group_buys')}</h2>
        {groups.isPending ? <Loading /> : groups.error ? <ErrorNote error={groups.error} /> : groups.data.length === 0 ? <p className="empty">{t('promo.none')}</p> : (
          <ul className="campaign-list plain">{groups.data.map((g) => <GroupRow key={g.id} campaign={g} shop={shopName(g.b_node_id)} />)}</ul>
        )}
      </section>
      <Can permission="campaigns.write">
        <FlashForm nodes={nodes.data ?? []} onCreated={() => queryClient.invalidateQueries({ queryKey: FLASH_KEY })} />
        <GroupForm nodes={nodes.data ?? []} onCreated={() => queryClient.invalidateQueries({ queryKey: GROUP_KEY })} />
      </Can>
    </section>
  );
}

function FlashRow({ sale: s, shop }: { sale: FlashSale; shop: string }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const results = useQuery({ queryKey: [...FLASH_KEY, s.id], queryFn: ({ signal }) => adminApi<FlashSaleResults>(`/flash-sales/${s.id}`, { signal }), enabled: open });
  return (
    <li className="card" data-testid="flash-row" data-name={s.name} data-status={s.status}>
      <p><span className="strong">{s.name}</span> · {shop} · <VerdictBadge verdict={s.verdict} testId="flash-verdict" /></p>
      <p className="small">{yuan(s.price)} · {t('promo.sold')} <span data-testid="flash-sold">{s.sold} / {s.stock_cap}</span> · {t('promo.flash_limit', { count: s.per_customer_limit })}</p>
      <p className="muted small">{formatTime(String(s.starts_at), i18n.language)} – {formatTime(String(s.ends_at), i18n.language)}</p>
      <button type="button" className="link" onClick={() => setOpen(!open)} data-testid="flash-results-toggle">{t('promo.results')}</button>
      {open && results.data && (
        <dl className="kv small" data-testid="flash-results">
          <dt>{t('promo.orders_paid')}</dt><dd>{results.data.orders_paid} ({results.data.units_paid})</dd>
          <dt>{t('promo.units_released')}</dt><dd>{results.data.units_released}</dd>
        </dl>
      )}
    </li>
  );
}

function GroupRow({ campaign: c, shop }: { campaign: GroupBuy; shop: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const results = useQuery({ queryKey: [...GROUP_KEY, c.id], queryFn: ({ signal }) => adminApi<GroupBuyResults>(`/group-buys/${c.id}`, { signal }) });
  const end = useMutation({
    mutationFn: () => adminApi<GroupBuyResults>(`/group-buys/${c.id}/end`, { method: 'POST', body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: GROUP_KEY }),
  });
  const r = results.data;
  return (
    <li className="card" data-testid="group-row" data-name={c.name} data-status={c.status}>
      <p><span className="strong">{c.name}</span> · {shop} · <VerdictBadge verdict={c.verdict} testId="group-verdict" /></p>
      <p className="small">{t('promo.group_size', { count: c.group_size })} · {t('promo.group_open')} {yuan(c.opener_price)} · {t('promo.group_member')} {yuan(c.member_price)} · {t('promo.sold')} {c.taken} / {c.stock_cap}</p>
      {c.tiers && (
        <p className="small" data-testid="group-tiers">{t('promo.ladder')}: {c.tiers.map((tier) => t('promo.ladder_tier', { size: tier.size, price: yuan(tier.price) })).join(' · ')}</p>
      )}
      {c.form_at_pct !== null && <p className="muted small">{t('promo.group_rule_fill', { pct: c.form_at_pct })}</p>}
      {r && (
        <dl className="kv small" data-testid="group-results">
          <dt>{t('promo.groups_open')}</dt><dd data-testid="groups-open">{r.groups.open}</dd>
          <dt>{t('promo.groups_formed')}</dt><dd data-testid="groups-formed">{r.groups.formed}</dd>
          <dt>{t('promo.groups_failed')}</dt><dd data-testid="groups-failed">{r.groups.failed}</dd>
          <dt>{t('promo.members_paid')}</dt><dd>{r.members_paid}</dd>
          <dt>{t('promo.members_refunded')}</dt><dd data-testid="members-refunded">{r.members_refunded} · {yuan(r.refunded_amount)}</dd>
          <dt>{t('promo.subsidy_booked')}</dt><dd data-testid="subsidy-booked">{yuan(r.subsidy_booked)}</dd>
          <dt>{t('promo.members_withdrawn')}</dt><dd data-testid="members-withdrawn">{r.members_withdrawn}</dd>
          {c.tiers && (<>
            <dt>{t('promo.ladder_reached')}</dt>
            <dd data-testid="tiers-reached">{r.tiers_reached.length === 0 ? t('promo.ladder_none_reached')
              : r.tiers_reached.map((x) => `${t('promo.ladder_tier', { size: x.size, price: yuan(x.price) })} × ${x.groups}`).join(' · ')}</dd>
            <dt>{t('promo.refunded_back')}</dt><dd data-testid="refunded-back">{yuan(r.refunded_back)}</dd>
          </>)}
        </dl>
      )}
      {c.status === 'active' && (
        <Can permission="campaigns.write">
          <button type="button" className="danger" disabled={end.isPending} onClick={() => end.mutate()} data-testid="group-end">{t('promo.end')}</button>
        </Can>
      )}
      <ErrorNote error={end.error} />
    </li>
  );
}

/** The SKUs a shop lists, for the campaign forms' picker (its public catalog). */
function useShopSkus(node: BNode | undefined) {
  const catalog = useQuery({
    queryKey: ['admin', 'shop-skus', node?.slug],
    queryFn: ({ signal }) => api<ShopCatalog>(`/shops/${node!.slug}`, { signal }),
    enabled: !!node,
  });
  return (catalog.data?.products ?? []).flatMap((p) => p.skus.map((s) => ({ id: s.id, label: `${p.title} · ${s.name} · ${yuan(s.price)}` })));
}

const toIso = (local: string) => (local ? new Date(local).toISOString() : null);

const FLASH_EMPTY = { name: '', node: '', sku: '', price: '', cap: '', limit: '1', starts: '', ends: '' };
type FlashDraft = typeof FLASH_EMPTY;
interface FlashBody { name: string; b_node_id: string; sku_id: string; price: number; stock_cap: number; per_customer_limit: number; starts_at: string; ends_at: string; override?: { reason: string } }

function flashBody(d: FlashDraft): FlashBody | null {
  const price = yuanToFen(d.price);
  const cap = Number(d.cap);
  const limit = Number(d.limit);
  const starts = toIso(d.starts);
  const ends = toIso(d.ends);
  if (!d.name.trim() || !d.node || !d.sku || price === null || price < 1 || !Number.isInteger(cap) || cap < 1 || !Number.isInteger(limit) || limit < 1 || !starts || !ends || ends <= starts) return null;
  return { name: d.name.trim(), b_node_id: d.node, sku_id: d.sku, price, stock_cap: cap, per_customer_limit: limit, starts_at: starts, ends_at: ends };
}

function FlashForm({ nodes, onCreated }: { nodes: BNode[]; onCreated: () => Promise<void> }) {
  const { t } = useTranslation();
  const { draft, edit, body, submit, save, rejected, created } = useGuardedCreate<FlashDraft, FlashBody, FlashSale>({ empty: FLASH_EMPTY, toBody: flashBody, path: '/flash-sales', onCreated: () => onCreated() });
  const skus = useShopSkus(nodes.find((n) => n.id === draft.node));
  const input = (key: keyof FlashDraft, label: string, type = 'text') => (
    <Field label={label}><input type={type} value={draft[key]} onChange={(e) => edit({ [key]: e.target.value })} data-testid={`flash-${key}`} /></Field>
  );
  return (
    <section className="card" data-testid="flash-form-card">
      <h2 className="section-title">{t('promo.new_flash')}</h2>
      <form onSubmit={submit} style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))', gap: '0 12px' }}>
        {input('name', t('promo.name'))}
        <Field label={t('promo.shop')}>
          <select value={draft.node} onChange={(e) => edit({ node: e.target.value, sku: '' })} data-testid="flash-node">
            <option value="" />{nodes.map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
          </select>
        </Field>
        <Field label={t('promo.sku')}>
          <select value={draft.sku} onChange={(e) => edit({ sku: e.target.value })} data-testid="flash-sku">
            <option value="" />{skus.map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
          </select>
        </Field>
        {input('price', t('promo.price'))}
        {input('cap', t('promo.stock_cap'))}
        {input('limit', t('promo.per_customer_limit'))}
        {input('starts', t('promo.starts_at'), 'datetime-local')}
        {input('ends', t('promo.ends_at'), 'datetime-local')}
        <div className="form-actions" style={{ gridColumn: '1 / -1' }}>
          <button type="submit" className="primary" disabled={!body || save.isPending} data-testid="flash-submit">{t('promo.create')}</button>
        </div>
      </form>
      <GuardOutcome save={save} rejected={rejected} errorTestId="flash-error" />
      {created && <p className="notice" data-testid="flash-created">{t('promo.created')}: {created.name} · <VerdictBadge verdict={created.verdict} /></p>}
    </section>
  );
}

const GROUP_EMPTY = { name: '', node: '', sku: '', size: '3', timer: '1440', opener: '', member: '', tiers: '', cap: '', limit: '1', pct: '', starts: '', ends: '' };
type GroupDraft = typeof GROUP_EMPTY;
type Tier = { size: number; price: number };
interface GroupBody {
  name: string; b_node_id: string; sku_id: string; group_size?: number; timer_minutes: number; opener_price: number; member_price?: number; tiers?: Tier[];
  stock_cap: number; per_customer_limit: number; form_at_pct: number | null; starts_at: string; ends_at: string; override?: { reason: string };
}

/** "3:39, 5:35, 10:29" → tiers (yuan to fen); null when not 2–5 tiers with sizes increasing and prices decreasing; [] when empty. */
export function parseTiers(text: string): Tier[] | null {
  if (text.trim() === '') return [];
  const tiers = text.split(/[,，;；\s]+/).filter(Boolean).map((part) => {
    const [size, price] = part.split(/[:：]/);
    return { size: Number(size), price: yuanToFen(price ?? '') };
  });
  if (tiers.length < 2 || tiers.length > 5) return null;
  if (tiers.some((x) => !Number.isInteger(x.size) || x.size < 2 || x.size > 50 || x.price === null || x.price < 1)) return null;
  const ok = tiers.every((x, i) => i === 0 || (x.size > tiers[i - 1]!.size && x.price! < tiers[i - 1]!.price!));
  return ok ? (tiers as Tier[]) : null;
}

function groupBody(d: GroupDraft): GroupBody | null {
  const tiers = parseTiers(d.tiers);
  if (tiers === null) return null;
  const opener = yuanToFen(d.opener);
  const member = tiers.length ? tiers[0]!.price : yuanToFen(d.member);
  const [size, timer, cap, limit] = [d.size, d.timer, d.cap, d.limit].map(Number) as [number, number, number, number];
  const pct = d.pct.trim() === '' ? null : Number(d.pct);
  const starts = toIso(d.starts);
  const ends = toIso(d.ends);
  if (!d.name.trim() || !d.node || !d.sku || opener === null || member === null || opener < 1 || member < 1) return null;
  if (tiers.length) {
    if (!(timer >= 5) || !(cap >= 2) || !(limit >= 1) || (pct !== null && !(pct >= 1 && pct <= 99)) || !starts || !ends || ends <= starts) return null;
    return { name: d.name.trim(), b_node_id: d.node, sku_id: d.sku, tiers, timer_minutes: timer, opener_price: opener, stock_cap: cap, per_customer_limit: limit, form_at_pct: pct, starts_at: starts, ends_at: ends };
  }
  if (!(size >= 2 && size <= 50) || !(timer >= 5) || !(cap >= 2) || !(limit >= 1) || (pct !== null && !(pct >= 1 && pct <= 99)) || !starts || !ends || ends <= starts) return null;
  return { name: d.name.trim(), b_node_id: d.node, sku_id: d.sku, group_size: size, timer_minutes: timer, opener_price: opener, member_price: member, stock_cap: cap, per_customer_limit: limit, form_at_pct: pct, starts_at: starts, ends_at: ends };
}

function GroupForm({ nodes, onCreated }: { nodes: BNode[]; onCreated: () => Promise<void> }) {
  const { t } = useTranslation();
  const { draft, edit, body, submit, save, rejected, created } = useGuardedCreate<GroupDraft, GroupBody, GroupBuy>({ empty: GROUP_EMPTY, toBody: groupBody, path: '/group-buys', onCreated: () => onCreated() });
  const skus = useShopSkus(nodes.find((n) => n.id === draft.node));
  const input = (key: keyof GroupDraft, label: string, type = 'text', disabled = false) => (
    <Field label={label}><input type={type} value={draft[key]} disabled={disabled} onChange={(e) => edit({ [key]: e.target.value })} data-testid={`group-${key}`} /></Field>
  );
  const tiers = parseTiers(draft.tiers);
  const ladder = tiers !== null && tiers.length > 0;
  return (
    <section className="card" data-testid="group-form-card">
      <h2 className="section-title">{t('promo.new_group')}</h2>
      <form onSubmit={submit} style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))', gap: '0 12px' }}>
        {input('name', t('promo.name'))}
        <Field label={t('promo.shop')}>
          <select value={draft.node} onChange={(e) => edit({ node: e.target.value, sku: '' })} data-testid="group-node">
            <option value="" />{nodes.map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
          </select>
        </Field>
        <Field label={t('promo.sku')}>
          <select value={draft.sku} onChange={(e) => edit({ sku: e.target.value })} data-testid="group-sku">
            <option value="" />{skus.map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
          </select>
        </Field>
        {input('size', t('promo.group_size_label'), 'text', ladder)}
        {input('timer', t('promo.timer_minutes'))}
        {input('opener', t('promo.opener_price'))}
        {input('member', t('promo.member_price'), 'text', ladder)}
        <div style={{ gridColumn: '1 / -1' }}>
          <Field label={t('promo.ladder_tiers')}>
            <input value={draft.tiers} placeholder="3:39, 5:35, 10:29" onChange={(e) => edit({ tiers: e.target.value })} data-testid="group-tiers-input" />
          </Field>
          {tiers === null ? <p className="error small" data-testid="group-tiers-invalid">{t('promo.ladder_invalid')}</p>
            : ladder && <p className="muted small" data-testid="group-tiers-preview">{tiers.map((x) => t('promo.ladder_tier', { size: x.size, price: yuan(x.price) })).join(' · ')} — {t('promo.ladder_tiers_hint')}</p>}
        </div>
        {input('cap', t('promo.stock_cap'))}
        {input('limit', t('promo.per_customer_limit'))}
        {input('pct', t('promo.form_at_pct'))}
        {input('starts', t('promo.starts_at'), 'datetime-local')}
        {input('ends', t('promo.ends_at'), 'datetime-local')}
        <div className="form-actions" style={{ gridColumn: '1 / -1' }}>
          <button type="submit" className="primary" disabled={!body || save.isPending} data-testid="group-submit">{t('promo.create')}</button>
        </div>
      </form>
      <GuardOutcome save={save} rejected={rejected} errorTestId="group-error" />
      {created && <p className="notice" data-testid="group-created">{t('promo.created')}: {created.name} · <VerdictBadge verdict={created.verdict} /></p>}
    </section>
  );
}
