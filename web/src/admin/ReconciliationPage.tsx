import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ReconciliationReport, ReconciliationReportDetail } from '../types.js';
import { yuan } from '../money.js';
import { ErrorNote, Loading, formatTime } from '../ui.js';
import { adminApi } from './auth.js';

const amount = (fen: number | null) => (fen === null ? '—' : yuan(fen));

/**
 * Daily reconciliation against WeChat Pay's bills: one row per day with both sides' totals; a day
 * opens to its differences (missing here, missing there, amount and status mismatches). Admins may
 * reconcile a day again now.
 */
export function ReconciliationPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [openId, setOpenId] = useState<string | null>(null);
  const [date, setDate] = useState('');
  const list = useQuery({
    queryKey: ['admin', 'reconciliation'],
    queryFn: ({ signal }) => adminApi<{ items: ReconciliationReport[] }>('/reconciliation/reports', { signal }),
  });
  const detail = useQuery({
    queryKey: ['admin', 'reconciliation', openId],
    queryFn: ({ signal }) => adminApi<ReconciliationReportDetail>(`/reconciliation/reports/${openId}`, { signal }),
    enabled: openId !== null,
  });
  const run = useMutation({
    mutationFn: (day: string) => adminApi<{ queued: true }>('/reconciliation/wechatpay/runs', { method: 'POST', body: { date: day } }),
    onSuccess: () => setTimeout(() => void queryClient.invalidateQueries({ queryKey: ['admin', 'reconciliation'] }), 1000),
  });
  return (
    <section>
      <h1 className="page-title">{t('reconciliation.title')}</h1>
      <p className="muted small">{t('reconciliation.hint')}</p>
      <form className="row" onSubmit={(e) => { e.preventDefault(); if (date) run.mutate(date); }}>
        <input type="date" value={date} onChange={(e) => setDate(e.target.value)} aria-label={t('reconciliation.date')} data-testid="reconcile-date" />
        <button type="submit" disabled={!date || run.isPending} data-testid="reconcile-run">{t('reconciliation.run')}</button>
        {run.isSuccess ? <span className="muted small" data-testid="reconcile-queued">{t('reconciliation.queued')}</span> : null}
      </form>
      {run.error ? <ErrorNote error={run.error} testId="reconcile-error" /> : null}
      {list.isPending ? <Loading /> : list.error ? <ErrorNote error={list.error} /> : list.data.items.length === 0 ? (
        <p className="muted" data-testid="reconciliation-empty">{t('reconciliation.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="reconciliation-table">
            <thead>
              <tr>
                <th>{t('reconciliation.col_date')}</th>
                <th>{t('reconciliation.col_status')}</th>
                <th className="num">{t('reconciliation.col_bill')}</th>
                <th className="num">{t('reconciliation.col_ours')}</th>
                <th className="num">{t('reconciliation.col_refunds')}</th>
                <th className="num">{t('reconciliation.col_differences')}</th>
                <th>{t('reconciliation.col_created')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((r) => (
                <tr key={r.id} data-testid={`report-${r.bill_date}`} data-status={r.status} className={openId === r.id ? 'selected' : undefined}>
                  <td><button type="button" className="link" onClick={() => setOpenId(openId === r.id ? null : r.id)} data-testid={`report-open-${r.bill_date}`}>{r.bill_date}</button></td>
                  <td data-testid="report-status">{t(`reconciliation.status.${r.status}`)}{r.error ? ` (${t(`reconciliation.error.${r.error}`, { defaultValue: r.error })})` : ''}</td>
                  <td className="num">{r.bill_payments} · {amount(r.bill_payment_total)}</td>
                  <td className="num">{r.our_payments} · {amount(r.our_payment_total)}</td>
                  <td className="num">{amount(r.bill_refund_total)} / {amount(r.our_refund_total)}</td>
                  <td className="num" data-testid="report-differences">{r.differences}</td>
                  <td className="small">{formatTime(String(r.created_at), i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {openId === null ? null : detail.isPending ? <Loading /> : detail.error ? <ErrorNote error={detail.error} /> : (
        <div data-testid="report-detail">
          <h2>{t('reconciliation.differences_of', { date: detail.data.bill_date })}</h2>
          {detail.data.items.length === 0 ? <p className="muted" data-testid="differences-none">{t('reconciliation.no_differences')}</p> : (
            <div className="table-wrap">
              <table className="table" data-testid="differences-table">
                <thead>
                  <tr>
                    <th>{t('reconciliation.col_kind')}</th>
                    <th>{t('reconciliation.col_entry')}</th>
                    <th>{t('reconciliation.col_reference')}</th>
                    <th className="num">{t('reconciliation.col_bill_amount')}</th>
                    <th className="num">{t('reconciliation.col_our_amount')}</th>
                    <th>{t('reconciliation.col_statuses')}</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.data.items.map((d) => (
                    <tr key={`${d.entry}-${d.reference}`} data-testid={`difference-${d.reference}`} data-kind={d.kind}>
                      <td>{t(`reconciliation.kind.${d.kind}`)}</td>
                      <td>{t(`reconciliation.entry.${d.entry}`)}</td>
                      <td><code>{d.reference}</code>{d.provider_ref ? <div className="muted small">{d.provider_ref}</div> : null}</td>
                      <td className="num">{amount(d.bill_amount)}</td>
                      <td className="num">{amount(d.our_amount)}</td>
                      <td className="small">{d.bill_status ?? '—'} / {d.our_status ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
