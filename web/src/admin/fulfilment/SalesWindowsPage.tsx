import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { ErrorNote, Field, formatTime, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';

type SalesWindow = components['schemas']['SalesWindow'];
type CutoffResult = components['schemas']['CutoffResult'];
const KEY = ['admin', 'sales-windows'] as const;

/** The tenant's sales windows: open one (cutoff as a time of day in the tenant's zone), cut one off now, see what it produced. */
export function SalesWindowsPage() {
  const { t } = useTranslation();
  const windows = useQuery({ queryKey: KEY, queryFn: ({ signal }) => adminApi<{ items: SalesWindow[] }>('/sales-windows', { signal }).then((r) => r.items) });
  return (
    <section data-testid="sales-windows-page">
      <h1 className="page-title">{t('fulfilment.windows_title')}</h1>
      <p className="muted small">{t('fulfilment.windows_hint')}</p>
      <NewWindow />
      <section className="card">
        {windows.isPending ? <Loading /> : windows.error ? <ErrorNote error={windows.error} /> : windows.data.length === 0 ? <p className="empty">{t('fulfilment.no_windows')}</p> : (
          <div className="table-wrap">
            <table className="table" data-testid="windows-table">
              <thead>
                <tr>
                  <th>{t('fulfilment.name')}</th><th>{t('fulfilment.cutoff')}</th><th>{t('common.status')}</th>
                  <th className="num">{t('fulfilment.orders')}</th><th>{t('fulfilment.purchase_orders')}</th><th>{t('fulfilment.pick_lists')}</th><th />
                </tr>
              </thead>
              <tbody>{windows.data.map((w) => <WindowRow key={w.id} w={w} />)}</tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}

function NewWindow() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [recurrence, setRecurrence] = useState<'daily' | 'once'>('daily');
  const [time, setTime] = useState('20:00');
  const [date, setDate] = useState('');
  const create = useMutation({
    mutationFn: () => adminApi<SalesWindow>('/sales-windows', { body: { name, recurrence, cutoff_time: time, ...(date ? { cutoff_date: date } : {}) } }),
    onSuccess: () => { setName(''); void queryClient.invalidateQueries({ queryKey: KEY }); },
  });
  const submit = (e: FormEvent) => { e.preventDefault(); create.mutate(); };
  return (
    <form className="card form-grid" onSubmit={submit} data-testid="new-window">
      <h2 className="section-title">{t('fulfilment.new_window')}</h2>
      <Field label={t('fulfilment.name')}><input value={name} onChange={(e) => setName(e.target.value)} required maxLength={60} data-testid="window-name" /></Field>
      <Field label={t('fulfilment.recurrence')}>
        <select value={recurrence} onChange={(e) => setRecurrence(e.target.value as 'daily' | 'once')} data-testid="window-recurrence">
          <option value="daily">{t('fulfilment.recurrence_daily')}</option>
          <option value="once">{t('fulfilment.recurrence_once')}</option>
        </select>
      </Field>
      <Field label={t('fulfilment.cutoff_time')}><input type="time" value={time} onChange={(e) => setTime(e.target.value)} required data-testid="window-time" /></Field>
      <Field label={t('fulfilment.cutoff_date')}><input type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="window-date" /></Field>
      <div><button type="submit" className="primary" disabled={create.isPending || !name.trim()} data-testid="create-window">{t('fulfilment.create')}</button></div>
      <ErrorNote error={create.error} />
    </form>
  );
}

function WindowRow({ w }: { w: SalesWindow }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const cutoff = useMutation({
    mutationFn: () => adminApi<CutoffResult>(`/sales-windows/${w.id}/cutoff`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
  const cancel = useMutation({
    mutationFn: () => adminApi<SalesWindow>(`/sales-windows/${w.id}/cancel`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
  return (
    <tr data-testid="window-row" data-name={w.name} data-status={w.status}>
      <td><span className="strong">{w.name}</span><br /><span className="muted small">{t(`fulfilment.recurrence_${w.recurrence}`)}</span></td>
      <td className="nowrap small">{w.cutoff_local}<br /><span className="muted">{w.time_zone} · {t('fulfilment.opens')} {formatTime(w.opens_at, i18n.language)}</span></td>
      <td>
        <span className={w.status === 'open' ? 'badge badge-accept' : 'badge'} data-testid="window-status">{t(`fulfilment.window_status.${w.status}`)}</span>
        {/* A window cut off early closed then, not at its scheduled time. */}
        {w.closed_at && <><br /><span className="muted small nowrap">{formatTime(w.closed_at, i18n.language)}</span></>}
      </td>
      <td className="num" data-testid="window-orders">{w.order_count}</td>
      <td>{w.purchase_order_count > 0 ? <Link to={`/admin/purchase-orders?window_id=${w.id}`} data-testid="window-pos">{w.purchase_order_count}</Link> : 0}</td>
      <td>{w.pick_list_count > 0 ? <Link to={`/admin/pick-lists?window_id=${w.id}`} data-testid="window-pick-lists">{w.pick_list_count}</Link> : 0}</td>
      <td>
        {w.status === 'open' && (
          <div className="inline">
            <button type="button" className="primary small" disabled={cutoff.isPending} onClick={() => cutoff.mutate()} data-testid="run-cutoff">{t('fulfilment.run_cutoff')}</button>
            <button type="button" className="small" disabled={cancel.isPending} onClick={() => cancel.mutate()} data-testid="cancel-window">{t('fulfilment.cancel_window')}</button>
          </div>
        )}
        {cutoff.data && <p className="small" data-testid="cutoff-result">{cutoff.data.ran ? t('fulfilment.cutoff_done', cutoff.data) : t('fulfilment.cutoff_again')}</p>}
        <ErrorNote error={cutoff.error ?? cancel.error} />
      </td>
    </tr>
  );
}
