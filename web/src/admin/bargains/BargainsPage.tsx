import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { yuan } from '../../money.js';
import { ErrorNote, Field, formatTime, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { Can } from '../access.js';
import { toFen, type Listing } from '../supplier/types.js';

type Campaign = components['schemas']['BargainCampaign'];
type BNode = components['schemas']['BNode'];

/** The operator's bargains (砍价): create one on a shop's SKU (refused below supply cost), and each campaign's results. */
export function BargainsPage() {
  const { t, i18n } = useTranslation();
  const campaigns = useQuery({ queryKey: ['admin', 'bargain-campaigns'], queryFn: ({ signal }) => adminApi<{ items: Campaign[] }>('/bargain-campaigns', { signal }).then((r) => r.items) });
  return (
    <section data-testid="bargains-page">
      <h1 className="page-title">{t('bargain.nav')}</h1>
      <p className="muted small">{t('bargain.admin_hint')}</p>
      <Can permission="campaigns.write"><NewCampaign /></Can>
      {campaigns.isPending ? <Loading /> : campaigns.error ? <ErrorNote error={campaigns.error} /> : campaigns.data.length === 0 ? <p className="empty card">{t('bargain.none_admin')}</p> : (
        <ul className="plain-list">
          {campaigns.data.map((c) => (
            <li key={c.id} className="card" data-testid="bargain-card">
              <div className="row"><strong>{c.title}</strong><span className={c.running ? 'tag ok' : 'tag'}>{c.running ? t('bargain.running') : t('bargain.ended')}</span></div>
              <div className="small">{c.product_title} · {c.sku_name} · {yuan(c.start_price)} → {yuan(c.floor_price)} · {t('bargain.rule', { count: c.helpers_needed, hours: c.valid_hours })}</div>
              <div className="muted small">{formatTime(c.starts_at, i18n.language)} – {formatTime(c.ends_at, i18n.language)}</div>
              <div className="small" data-testid="bargain-results">{t('bargain.results', { started: c.started, reached: c.reached, bought: c.bought })}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function NewCampaign() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const nodes = useQuery({ queryKey: ['admin', 'b-nodes'], queryFn: ({ signal }) => adminApi<{ items: BNode[] }>('/b-nodes', { signal }) });
  const [nodeId, setNodeId] = useState('');
  const node = nodeId || nodes.data?.items[0]?.id || '';
  const listings = useQuery({ queryKey: ['admin', 'listings', node], queryFn: ({ signal }) => adminApi<{ items: Listing[] }>(`/b-nodes/${node}/listings`, { signal }).then((r) => r.items), enabled: !!node });
  const [form, setForm] = useState({ sku_id: '', title: '', start: '', floor: '', helpers: '5', hours: '24', days: '7' });
  const sku = form.sku_id || listings.data?.[0]?.sku_id || '';
  const create = useMutation({
    mutationFn: () => adminApi<Campaign>('/bargain-campaigns', {
      body: {
        b_node_id: node, sku_id: sku, title: form.title.trim(), start_price: toFen(form.start), floor_price: toFen(form.floor),
        helpers_needed: Number(form.helpers), valid_hours: Number(form.hours), ends_at: new Date(Date.now() + Number(form.days) * 86_400_000).toISOString(),
      },
    }),
    onSuccess: () => { setForm({ ...form, title: '' }); void queryClient.invalidateQueries({ queryKey: ['admin', 'bargain-campaigns'] }); },
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <form className="card" data-testid="bargain-form" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
      <h2 className="section-title">{t('bargain.new')}</h2>
      <Field label={t('bargain.shop')}>
        <select value={node} onChange={(e) => setNodeId(e.target.value)} data-testid="bargain-node">
          {(nodes.data?.items ?? []).map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
        </select>
      </Field>
      <Field label={t('bargain.sku')}>
        <select value={sku} onChange={set('sku_id')} data-testid="bargain-sku">
          {(listings.data ?? []).map((l) => <option key={l.sku_id} value={l.sku_id}>{l.title} · {l.sku_name} · {yuan(l.retail_price)}</option>)}
        </select>
      </Field>
      <Field label={t('bargain.title_field')}><input value={form.title} onChange={set('title')} maxLength={60} data-testid="bargain-title" /></Field>
      <div className="two-col">
        <Field label={t('bargain.start_price')}><input inputMode="decimal" value={form.start} onChange={set('start')} data-testid="bargain-start-price" /></Field>
        <Field label={t('bargain.floor_price')}><input inputMode="decimal" value={form.floor} onChange={set('floor')} data-testid="bargain-floor-price" /></Field>
        <Field label={t('bargain.helpers_needed')}><input type="number" min={1} max={100} value={form.helpers} onChange={set('helpers')} data-testid="bargain-helpers" /></Field>
        <Field label={t('bargain.valid_hours')}><input type="number" min={1} max={168} value={form.hours} onChange={set('hours')} /></Field>
        <Field label={t('bargain.days')}><input type="number" min={1} max={60} value={form.days} onChange={set('days')} /></Field>
      </div>
      <ErrorNote error={create.error} testId="bargain-create-error" />
      <button type="submit" className="primary" disabled={create.isPending || !form.title.trim() || !sku} data-testid="bargain-create">{t('bargain.create')}</button>
    </form>
  );
}
