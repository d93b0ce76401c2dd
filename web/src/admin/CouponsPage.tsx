import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import type { CouponRedemption, CouponTemplate } from '../types.js';
import type { components } from '../api/schema.gen.js';
import { ErrorNote, Field, formatTime, Loading } from '../ui.js';
import { adminApi } from './auth.js';
import { Can } from './access.js';
import { VerdictBadge } from './economics/EconomicsNav.js';
import { yuanToFen } from './economics/format.js';

type ReferralTask = components['schemas']['ReferralTask'];
type ReferralProgress = components['schemas']['ReferralProgress'];
const KEY = ['admin', 'coupons'] as const;
const TASKS_KEY = ['admin', 'referral-tasks'] as const;

/** Coupons and referral tasks: each template with the guard's verdict and its budget use in count and money, its redemptions; each task's progress. */
export function CouponsPage() {
  const { t } = useTranslation();
  const templates = useQuery({ queryKey: KEY, queryFn: ({ signal }) => adminApi<{ items: CouponTemplate[] }>('/coupon-templates', { signal }).then((r) => r.items) });
  const tasks = useQuery({ queryKey: TASKS_KEY, queryFn: ({ signal }) => adminApi<{ items: ReferralTask[] }>('/referral-tasks', { signal }).then((r) => r.items) });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section data-testid="coupons-page">
      <h1 className="page-title">{t('coupons.admin_title')}</h1>
      <section className="card">
        {templates.isPending ? <Loading /> : templates.error ? <ErrorNote error={templates.error} /> : templates.data.length === 0 ? <p className="empty">{t('coupons.none')}</p> : (
          <div className="table-wrap">
            <table className="table wrap-head" data-testid="coupon-templates">
              <thead>
                <tr>
                  <th>{t('coupons.name')}</th><th>{t('coupons.kind')}</th><th>{t('coupons.target')}</th>
                  <th className="num">{t('coupons.claimed_count')}</th><th className="num">{t('coupons.use_count')}</th><th className="num">{t('coupons.use_money')}</th>
                  <th>{t('coupons.claim_ends_at')}</th><th>{t('common.status')}</th><th>{t('coupons.verdict')}</th><th />
                </tr>
              </thead>
              <tbody>
                {templates.data.map((c) => (
                  <TemplateRow key={c.id} template={c} open={open === c.id} onToggle={() => setOpen(open === c.id ? null : c.id)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <Can permission="campaigns.write"><TemplateForm /></Can>
      <h2 className="section-title">{t('referrals.title')}</h2>
      <section className="card">
        {tasks.isPending ? <Loading /> : tasks.error ? <ErrorNote error={tasks.error} /> : tasks.data.length === 0 ? <p className="empty">{t('referrals.none')}</p> : (
          <ul className="summary-lines" data-testid="referral-tasks">
            {tasks.data.map((task) => <TaskRow key={task.id} task={task} templates={templates.data ?? []} />)}
          </ul>
        )}
      </section>
      <Can permission="campaigns.write"><TaskForm templates={templates.data ?? []} /></Can>
    </section>
  );
}

function TemplateRow({ template: c, open, onToggle }: { template: CouponTemplate; open: boolean; onToggle: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const end = useMutation({ mutationFn: () => adminApi(`/coupon-templates/${c.id}/end`, { method: 'POST', body: {} }), onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }) });
  const off = c.kind === 'percent' ? `${(c.percent_bps ?? 0) / 100}%` : yuan(c.amount ?? 0);
  return (
    <>
      <tr data-testid="coupon-template" data-template-id={c.id}>
        <td><button type="button" className="link" onClick={onToggle}>{c.name}</button></td>
        <td>{t(`coupons.kind_${c.kind}`)} {off}{c.min_total > 0 && <span className="muted small"> · {t('coupons.min_total', { amount: yuan(c.min_total) })}</span>}</td>
        <td>{t(`coupons.target_${c.target}`)}{c.target_ids.length > 0 && <span className="muted small"> ({c.target_ids.length})</span>}</td>
        <td className="num">{c.claimed_count}</td>
        <td className="num" data-testid="coupon-use-count">{c.used_count} / {c.total_count}</td>
        <td className="num" data-testid="coupon-use-money">{yuan(c.spent)} / {yuan(c.budget)}</td>
        <td>{formatTime(c.claim_ends_at, i18n.language)}</td>
        <td>{t(`coupons.status_${c.status}`)}</td>
        <td><VerdictBadge verdict={c.verdict} testId="coupon-verdict" /></td>
        <td>{c.status === 'active' && <Can permission="campaigns.write"><button type="button" className="link danger" disabled={end.isPending} onClick={() => end.mutate()}>{t('coupons.end')}</button></Can>}</td>
      </tr>
      {open && (
        <tr><td colSpan={10}>
          {c.guard && (
            <ul className="small" data-testid="coupon-guard">
              {c.guard.rules.filter((r) => r.status !== 'pass').map((r) => <li key={r.id}><strong>{r.id}</strong> {i18n.language.startsWith('zh') ? r.message_zh : r.message}</li>)}
            </ul>
          )}
          <Redemptions templateId={c.id} />
        </td></tr>
      )}
    </>
  );
}

function Redemptions({ templateId }: { templateId: string }) {
  const { t, i18n } = useTranslation();
  const list = useQuery({ queryKey: [...KEY, templateId, 'redemptions'], queryFn: ({ signal }) => adminApi<{ items: CouponRedemption[] }>(`/coupon-templates/${templateId}/redemptions`, { signal }).then((r) => r.items) });
  if (list.isPending) return <Loading />;
  if (list.error) return <ErrorNote error={list.error} />;
  return (
    <div data-testid="coupon-redemptions">
      <p className="muted small">{t('coupons.redemptions')} ({list.data.length})</p>
      <ul className="summary-lines">
        {list.data.map((r) => (
          <li key={r.id}><span>{formatTime(r.created_at, i18n.language)} · {r.order_id}</span><span>{yuan(r.amount)}{r.returned_at && <span className="muted small"> · {t('coupons.returned')}</span>}</span></li>
        ))}
      </ul>
    </div>
  );
}

const in30Days = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

function TemplateForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [d, setD] = useState({ name: '', kind: 'threshold', amount: '5', percent: '10', max: '', min: '30', target: 'order', ids: '', withSubsidy: false, withCoupons: false, ends: in30Days(), days: '7', limit: '1', count: '100', budget: '500' });
  const set = (k: keyof typeof d) => (e: { target: { value: string; checked?: boolean; type?: string } }) => setD({ ...d, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const create = useMutation({
    mutationFn: () => adminApi<CouponTemplate>('/coupon-templates', { method: 'POST', body: {
      name: d.name, kind: d.kind,
      ...(d.kind === 'percent' ? { percent_bps: Math.round(Number(d.percent) * 100), ...(d.max ? { max_discount: yuanToFen(d.max) } : {}) } : { amount: yuanToFen(d.amount) }),
      min_total: yuanToFen(d.min || '0') ?? 0, target: d.target, target_ids: d.target === 'order' ? [] : d.ids.split(',').map((s) => s.trim()).filter(Boolean),
      stacks_with_subsidy: d.withSubsidy, stacks_with_coupons: d.withCoupons,
      claim_ends_at: new Date(`${d.ends}T23:59:59+08:00`).toISOString(), valid_days: Number(d.days),
      per_customer_limit: Number(d.limit), total_count: Number(d.count), budget: yuanToFen(d.budget),
    } }),
    onSuccess: () => { void queryClient.invalidateQueries({ queryKey: KEY }); setD({ ...d, name: '' }); },
  });
  const submit = (e: FormEvent) => { e.preventDefault(); create.mutate(); };
  return (
    <form className="card form" onSubmit={submit} data-testid="coupon-form">
      <h2 className="section-title">{t('coupons.new_template')}</h2>
      <Field label={t('coupons.name')}><input value={d.name} onChange={set('name')} required maxLength={128} data-testid="coupon-name" /></Field>
      <Field label={t('coupons.kind')}>
        <select value={d.kind} onChange={set('kind')} data-testid="coupon-kind">
          {['threshold', 'fixed', 'percent'].map((k) => <option key={k} value={k}>{t(`coupons.kind_${k}`)}</option>)}
        </select>
      </Field>
      {d.kind === 'percent' ? (
        <>
          <Field label={t('coupons.percent')}><input inputMode="decimal" value={d.percent} onChange={set('percent')} data-testid="coupon-percent" /></Field>
          <Field label={t('coupons.max_discount_label')}><input inputMode="decimal" value={d.max} onChange={set('max')} /></Field>
        </>
      ) : <Field label={t('coupons.amount')}><input inputMode="decimal" value={d.amount} onChange={set('amount')} data-testid="coupon-amount" /></Field>}
      <Field label={t('coupons.min_total_label')}><input inputMode="decimal" value={d.min} onChange={set('min')} data-testid="coupon-min" /></Field>
      <Field label={t('coupons.target')}>
        <select value={d.target} onChange={set('target')}>
          {['order', 'skus', 'categories', 'b_nodes'].map((k) => <option key={k} value={k}>{t(`coupons.target_${k}`)}</option>)}
        </select>
      </Field>
      {d.target !== 'order' && <Field label={t('coupons.target_ids')}><input value={d.ids} onChange={set('ids')} /></Field>}
      <label className="check"><input type="checkbox" checked={d.withSubsidy} onChange={set('withSubsidy')} /> {t('coupons.stacks_with_subsidy')}</label>
      <label className="check"><input type="checkbox" checked={d.withCoupons} onChange={set('withCoupons')} /> {t('coupons.stacks_with_coupons')}</label>
      <Field label={t('coupons.claim_ends_at')}><input type="date" value={d.ends} onChange={set('ends')} /></Field>
      <Field label={t('coupons.valid_days')}><input inputMode="numeric" value={d.days} onChange={set('days')} /></Field>
      <Field label={t('coupons.per_customer_limit')}><input inputMode="numeric" value={d.limit} onChange={set('limit')} /></Field>
      <Field label={t('coupons.total_count')}><input inputMode="numeric" value={d.count} onChange={set('count')} data-testid="coupon-count" /></Field>
      <Field label={t('coupons.budget')}><input inputMode="decimal" value={d.budget} onChange={set('budget')} data-testid="coupon-budget" /></Field>
      <ErrorNote error={create.error} testId="coupon-form-error" />
      <button type="submit" className="primary" disabled={create.isPending} data-testid="coupon-create">{t('coupons.create')}</button>
    </form>
  );
}

function TaskRow({ task, templates }: { task: ReferralTask; templates: CouponTemplate[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const progress = useQuery({ queryKey: [...TASKS_KEY, task.id], enabled: open, queryFn: ({ signal }) => adminApi<{ items: ReferralProgress[] }>(`/referral-tasks/${task.id}/progress`, { signal }).then((r) => r.items) });
  const reward = task.reward_kind === 'points' ? t('referrals.points', { count: task.reward_points ?? 0 }) : templates.find((c) => c.id === task.reward_template_id)?.name ?? task.reward_template_id;
  return (
    <li data-testid="referral-task" style={{ flexDirection: 'column', alignItems: 'stretch' }}>
      <div className="row">
        <button type="button" className="link" onClick={() => setOpen(!open)}>{task.name}</button>
        <span>{t('referrals.rule', { count: task.invites_required, reward })} <VerdictBadge verdict={task.verdict} /></span>
      </div>
      <span className="muted small" data-testid="referral-task-counts">{t('referrals.counts', { counted: task.invites_counted, refused: task.invites_refused, rewards: task.rewards_given })}</span>
      {task.invites_refused > 0 && <span className="muted small" data-testid="referral-task-refusals">{refusalText(t, task.refused_by_reason)}</span>}
      {open && progress.data && (
        <ul className="small">
          {progress.data.map((p) => (
            <li key={p.inviter_id} data-testid="referral-inviter">
              {p.inviter_name}: {t('referrals.counts', { counted: p.counted, refused: p.refused, rewards: p.rewards })}
              {p.refused > 0 && <span className="muted"> ({refusalText(t, p.refused_by_reason)})</span>}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** Why invitees were not counted, the reasons that occurred with their counts. */
function refusalText(t: (key: string, o?: Record<string, unknown>) => string, r: ReferralTask['refused_by_reason']) {
  return (Object.entries(r) as [keyof typeof r, number][]).filter(([, n]) => n > 0).map(([reason, n]) => t(`referrals.refused_${reason}`, { count: n })).join(' · ');
}

function TaskForm({ templates }: { templates: CouponTemplate[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [d, setD] = useState({ name: '', n: '3', kind: 'points', points: '100', template: '', ends: in30Days() });
  const set = (k: keyof typeof d) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  const create = useMutation({
    mutationFn: () => adminApi<ReferralTask>('/referral-tasks', { method: 'POST', body: {
      name: d.name, invites_required: Number(d.n), reward_kind: d.kind,
      ...(d.kind === 'points' ? { reward_points: Number(d.points) } : { reward_template_id: d.template || templates[0]?.id }),
      ends_at: new Date(`${d.ends}T23:59:59+08:00`).toISOString(),
    } }),
    onSuccess: () => { void queryClient.invalidateQueries({ queryKey: TASKS_KEY }); setD({ ...d, name: '' }); },
  });
  return (
    <form className="card form" onSubmit={(e) => { e.preventDefault(); create.mutate(); }} data-testid="referral-form">
      <h2 className="section-title">{t('referrals.new_task')}</h2>
      <Field label={t('coupons.name')}><input value={d.name} onChange={set('name')} required maxLength={128} /></Field>
      <Field label={t('referrals.invites_required')}><input inputMode="numeric" value={d.n} onChange={set('n')} /></Field>
      <Field label={t('referrals.reward')}>
        <select value={d.kind} onChange={set('kind')}>
          <option value="points">{t('referrals.reward_points')}</option>
          <option value="coupon">{t('referrals.reward_coupon')}</option>
        </select>
      </Field>
      {d.kind === 'points'
        ? <Field label={t('referrals.reward_points')}><input inputMode="numeric" value={d.points} onChange={set('points')} /></Field>
        : <Field label={t('referrals.reward_coupon')}><select value={d.template} onChange={set('template')}>{templates.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}</select></Field>}
      <Field label={t('coupons.claim_ends_at')}><input type="date" value={d.ends} onChange={set('ends')} /></Field>
      <p className="muted small">{t('referrals.no_cash')}</p>
      <ErrorNote error={create.error} />
      <button type="submit" className="primary" disabled={create.isPending}>{t('coupons.create')}</button>
    </form>
  );
}
