import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { ErrorNote, Field, formatTime, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { Can } from '../access.js';
import { VerdictBadge } from '../economics/EconomicsNav.js';
import { GuardOutcome, useGuardedCreate } from '../economics/useGuardedCreate.js';

type Presale = components['schemas']['Presale'];
type SalesWindow = components['schemas']['SalesWindow'];
type Product = components['schemas']['Product'];
type Settings = components['schemas']['PresaleSettings'];

/** The operator's pre-sales (社区团购): per sales window, its cutoff and progress per product; the tenant's no-show rule. */
export function PresalesPage() {
  const { t, i18n } = useTranslation();
  const presales = useQuery({ queryKey: ['admin', 'presales'], queryFn: ({ signal }) => adminApi<{ items: Presale[] }>('/presales', { signal }).then((r) => r.items), refetchInterval: 30_000 });
  return (
    <section data-testid="presales-page">
      <h1 className="page-title">{t('presale.nav')}</h1>
      <p className="muted small">{t('presale.admin_hint')}</p>
      <Can permission="campaigns.write"><NewPresale /></Can>
      {presales.isPending ? <Loading /> : presales.error ? <ErrorNote error={presales.error} /> : presales.data.length === 0 ? <p className="empty card">{t('presale.none_admin')}</p> : (
        <ul className="plain-list">
          {presales.data.map((p) => {
            const top = Math.max(1, ...p.items.map((i) => i.sold));
            return (
              <li key={p.id} className="card" data-testid="presale-card">
                <div className="row"><strong>{p.title}</strong><span className={p.open ? 'tag ok' : 'tag'}>{p.open ? t('presale.open') : t('presale.closed')}</span></div>
                <div className="muted small">{p.window_name} · {t('presale.cutoff')} {formatTime(p.cutoff_at, i18n.language)} · {t('presale.orders', { count: p.orders })}</div>
                <div className="small" data-testid="presale-verdict">
                  {t('presale.verdict')} {p.verdict ? <VerdictBadge verdict={p.verdict} /> : <span className="muted">{t('presale.not_judged')}</span>}
                  {p.override_reason && <span className="muted"> · {t('presale.overridden', { reason: p.override_reason })}</span>}
                </div>
                {p.guard && p.guard.rules.some((r) => r.status !== 'pass') && (
                  <ul className="small" data-testid="presale-guard">
                    {p.guard.rules.filter((r) => r.status !== 'pass').map((r) => <li key={r.id}><strong>{r.id}</strong> {i18n.language.startsWith('zh') ? r.message_zh : r.message}</li>)}
                  </ul>
                )}
                <ul className="plain-list presale-bars">
                  {p.items.map((i) => (
                    <li key={i.sku_id} data-testid="presale-card-item">
                      <div className="row-between small"><span>{i.title} · {i.sku_name}</span><span data-testid="presale-card-sold">{t('presale.sold', { count: i.sold })}</span></div>
                      <div className="bar"><span style={{ width: `${Math.round((i.sold / top) * 100)}%` }} /></div>
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      )}
      <Can permission="after_sales.settings.write"><NoShowRule /></Can>
    </section>
  );
}

interface PresaleBody { window_id: string; title: string; sku_ids: string[]; override?: { reason: string } }

/** A new pre-sale: judged by the economics guard at every shop's price and commission; a rejection shows its rules and, for admins, the override. */
function NewPresale() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const windows = useQuery({ queryKey: ['admin', 'sales-windows', 'open'], queryFn: ({ signal }) => adminApi<{ items: SalesWindow[] }>('/sales-windows', { query: { status: 'open' }, signal }).then((r) => r.items) });
  const products = useQuery({ queryKey: ['admin', 'products', 'presale'], queryFn: ({ signal }) => adminApi<{ items: Product[] }>('/products', { signal }).then((r) => r.items) });
  const toBody = (d: { windowId: string; title: string; skus: string[] }): PresaleBody | null => {
    const windowId = d.windowId || windows.data?.[0]?.id;
    return windowId && d.title.trim() && d.skus.length > 0 ? { window_id: windowId, title: d.title.trim(), sku_ids: d.skus } : null;
  };
  const { draft, edit, body, submit, save, rejected, created } = useGuardedCreate<{ windowId: string; title: string; skus: string[] }, PresaleBody, Presale>({
    empty: { windowId: '', title: '', skus: [] }, toBody, path: '/presales',
    onCreated: () => queryClient.invalidateQueries({ queryKey: ['admin', 'presales'] }),
  });
  const toggle = (id: string) => edit({ skus: draft.skus.includes(id) ? draft.skus.filter((x) => x !== id) : [...draft.skus, id] });
  return (
    <section className="card" data-testid="presale-form-card">
      <h2 className="section-title">{t('presale.new')}</h2>
      <form data-testid="presale-form" onSubmit={submit}>
      <Field label={t('presale.window')}>
        <select value={draft.windowId} onChange={(e) => edit({ windowId: e.target.value })} data-testid="presale-window">
          {(windows.data ?? []).map((w) => <option key={w.id} value={w.id}>{w.name} · {formatTime(w.cutoff_at, i18n.language)}</option>)}
        </select>
      </Field>
      <Field label={t('presale.title_field')}><input value={draft.title} onChange={(e) => edit({ title: e.target.value })} maxLength={60} data-testid="presale-title" /></Field>
      <fieldset className="sku-picks">
        <legend>{t('presale.skus')}</legend>
        {(products.data ?? []).flatMap((p) => p.skus.map((s) => (
          <label key={s.id} className="check">
            <input type="checkbox" checked={draft.skus.includes(s.id)} onChange={() => toggle(s.id)} data-testid="presale-sku" data-sku-id={s.id} /> {p.title} · {s.name}
          </label>
        )))}
      </fieldset>
      <p className="muted small">{t('presale.guard_hint')}</p>
      <button type="submit" className="primary" disabled={save.isPending || !body} data-testid="presale-create">{t('presale.create')}</button>
      </form>
      {/* Outside the form: the override is a form of its own, and a form inside a form submits both. */}
      <GuardOutcome save={save} rejected={rejected} errorTestId="presale-create-error" />
      {created && <p className="notice" data-testid="presale-created">{created.title} · <VerdictBadge verdict={created.verdict ?? 'accept'} /></p>}
    </section>
  );
}

function NoShowRule() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['admin', 'presale-settings'], queryFn: ({ signal }) => adminApi<Settings>('/presale-settings', { signal }) });
  const [draft, setDraft] = useState<Settings | null>(null);
  const value = draft ?? settings.data;
  const save = useMutation({
    mutationFn: (s: Settings) => adminApi<Settings>('/presale-settings', { method: 'PUT', body: s }),
    onSuccess: (s) => { setDraft(null); queryClient.setQueryData(['admin', 'presale-settings'], s); },
  });
  if (!value) return settings.error ? <ErrorNote error={settings.error} /> : <Loading />;
  return (
    <form className="card" data-testid="no-show-form" onSubmit={(e) => { e.preventDefault(); save.mutate(value); }}>
      <h2 className="section-title">{t('presale.no_show_title')}</h2>
      <p className="muted small">{t('presale.no_show_hint')}</p>
      <Field label={t('presale.no_show_rule')}>
        <select value={value.no_show_rule} onChange={(e) => setDraft({ ...value, no_show_rule: e.target.value as Settings['no_show_rule'] })} data-testid="no-show-rule">
          <option value="hold">{t('presale.rule_hold')}</option>
          <option value="refund">{t('presale.rule_refund')}</option>
        </select>
      </Field>
      <Field label={t('presale.no_show_days')}>
        <input type="number" min={1} max={60} value={value.no_show_days} onChange={(e) => setDraft({ ...value, no_show_days: Number(e.target.value) })} data-testid="no-show-days" />
      </Field>
      <ErrorNote error={save.error} />
      <button type="submit" disabled={save.isPending} data-testid="no-show-save">{t('presale.save')}</button>
      {save.isSuccess && <span className="muted small" data-testid="no-show-saved"> {t('presale.saved')}</span>}
    </form>
  );
}
