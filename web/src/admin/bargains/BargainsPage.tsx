import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { yuan } from '../../money.js';
import { ErrorNote, Field, formatTime, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { Can } from '../access.js';
import { VerdictBadge } from '../economics/EconomicsNav.js';
import { GuardOutcome, useGuardedCreate } from '../economics/useGuardedCreate.js';
import { toFen, type Listing } from '../supplier/types.js';

type Campaign = components['schemas']['BargainCampaign'];
type BNode = components['schemas']['BNode'];

/** The operator's bargains (砍价): create one on a shop's SKU (its floor judged by the economics guard), and each campaign's verdict and results. */
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
              <div className="small" data-testid="bargain-verdict">
                {t('presale.verdict')} {c.verdict ? <VerdictBadge verdict={c.verdict} /> : <span className="muted">—</span>}
                {c.override_reason && <span className="muted"> · {t('economics.override_reason_was', { reason: c.override_reason })}</span>}
              </div>
              {c.guard && c.guard.rules.some((r) => r.status !== 'pass') && (
                <ul className="small" data-testid="bargain-guard">
                  {c.guard.rules.filter((r) => r.status !== 'pass').map((r) => <li key={r.id}><strong>{r.id}</strong> {i18n.language.startsWith('zh') ? r.message_zh : r.message}</li>)}
                </ul>
              )}
              <div className="small" data-testid="bargain-results">{t('bargain.results', { started: c.started, reached: c.reached, bought: c.bought })}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface Draft { sku_id: string; title: string; start: string; floor: string; helpers: string; hours: string; days: string }
interface CampaignBody {
  b_node_id: string; sku_id: string; title: string; start_price: number; floor_price: number; helpers_needed: number; valid_hours: number; ends_at: string;
  override?: { reason: string };
}

/** A new bargain: the floor is judged by the economics guard; a rejection shows its rules and, for admins, the override with a written reason. */
function NewCampaign() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const nodes = useQuery({ queryKey: ['admin', 'b-nodes'], queryFn: ({ signal }) => adminApi<{ items: BNode[] }>('/b-nodes', { signal }) });
  const [nodeId, setNodeId] = useState('');
  const node = nodeId || nodes.data?.items[0]?.id || '';
  const listings = useQuery({ queryKey: ['admin', 'listings', node], queryFn: ({ signal }) => adminApi<{ items: Listing[] }>(`/b-nodes/${node}/listings`, { signal }).then((r) => r.items), enabled: !!node });
  const defaultSku = listings.data?.[0]?.sku_id || '';
  const toBody = (d: Draft): CampaignBody | null => {
    const sku = d.sku_id || defaultSku;
    if (!node || !sku || !d.title.trim()) return null;
    return {
      b_node_id: node, sku_id: sku, title: d.title.trim(), start_price: toFen(d.start), floor_price: toFen(d.floor),
      helpers_needed: Number(d.helpers), valid_hours: Number(d.hours), ends_at: new Date(Date.now() + Number(d.days) * 86_400_000).toISOString(),
    };
  };
  const { draft: form, edit, body, submit, save, rejected, created } = useGuardedCreate<Draft, CampaignBody, Campaign>({
    empty: { sku_id: '', title: '', start: '', floor: '', helpers: '5', hours: '24', days: '7' }, toBody, path: '/bargain-campaigns',
    onCreated: () => queryClient.invalidateQueries({ queryKey: ['admin', 'bargain-campaigns'] }),
  });
  const sku = form.sku_id || defaultSku;
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => edit({ [k]: e.target.value });
  return (
    <section className="card" data-testid="bargain-form-card">
      <h2 className="section-title">{t('bargain.new')}</h2>
      <form data-testid="bargain-form" onSubmit={submit}>
        <Field label={t('bargain.shop')}>
          <select value={node} onChange={(e) => { setNodeId(e.target.value); edit({ sku_id: '' }); }} data-testid="bargain-node">
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
        <button type="submit" className="primary" disabled={save.isPending || !body} data-testid="bargain-create">{t('bargain.create')}</button>
      </form>
      {/* Outside the form: the override is a form of its own. */}
      <GuardOutcome save={save} rejected={rejected} errorTestId="bargain-create-error" />
      {created && <p className="notice" data-testid="bargain-created">{created.title} · <VerdictBadge verdict={created.verdict ?? 'accept'} /></p>}
    </section>
  );
}
