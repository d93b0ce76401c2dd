import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { yuan } from '../money.js';
import type { AfterSalesList, AfterSalesRequest, Order } from '../types.js';
import { ErrorNote, Field, StatusBadge, formatTime } from '../ui.js';
import { useAttemptKey } from '../useAttemptKey.js';

const REFUNDABLE = new Set(['paid', 'ready_for_pickup', 'completed', 'partially_refunded']);

/** The buyer's refund requests for an order, and the form to ask for lines back. */
export function AfterSalesSection({ order, token }: { order: Order; token: string }) {
  const { t, i18n } = useTranslation();
  const requests = useQuery({
    queryKey: ['consumer-after-sales', order.id],
    queryFn: ({ signal }) => api<AfterSalesList>('/after-sales', { token, query: { order_id: order.id }, signal }),
    // Until a request's refund has settled, look again now and then.
    refetchInterval: (q) => {
      const items = q.state.data?.items ?? [];
      return items.some((r) => r.status === 'approved') ? 2000 : items.some((r) => r.status === 'requested') ? 5000 : false;
    },
  });
  const [asking, setAsking] = useState(false);
  const items = requests.data?.items ?? [];
  // A request decided or refunded changes the order too (its refunded amounts, its status): read it again.
  const queryClient = useQueryClient();
  const statuses = items.map((r) => r.status).join();
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (seen.current !== undefined && seen.current !== statuses) void queryClient.invalidateQueries({ queryKey: ['consumer-order', order.id] });
    seen.current = statuses;
  }, [statuses, order.id, queryClient]);
  const waiting = new Map<number, number>();
  for (const r of items.filter((x) => x.status === 'requested')) for (const l of r.lines) waiting.set(l.line_no, (waiting.get(l.line_no) ?? 0) + l.quantity);
  const open = order.lines.map((l) => ({ ...l, left: l.quantity - l.refunded_quantity - (waiting.get(l.line_no) ?? 0) })).filter((l) => l.left > 0);
  const canAsk = REFUNDABLE.has(order.status) && open.length > 0;
  if (!canAsk && items.length === 0) return null;
  return (
    <section className="card after-sales" data-testid="after-sales">
      <h2 className="sub-title">{t('after_sales.shop_title')}</h2>
      {items.length > 0 && (
        <ul className="summary-lines" data-testid="my-requests">
          {items.map((r) => <RequestRow key={r.id} request={r} language={i18n.language} />)}
        </ul>
      )}
      {canAsk && !asking && <button type="button" className="button block" onClick={() => setAsking(true)} data-testid="request-refund">{t('after_sales.request_refund')}</button>}
      {canAsk && asking && <RequestForm order={order} lines={open} token={token} onDone={() => setAsking(false)} />}
    </section>
  );
}

function RequestRow({ request, language }: { request: AfterSalesRequest; language: string }) {
  const { t } = useTranslation();
  return (
    <li data-testid="my-request" data-status={request.status}>
      <span>
        <StatusBadge status={request.status} group="after_sales_status" testId="my-request-status" />{' '}
        {request.lines.map((l) => `${l.title} × ${l.quantity}`).join('，')}
        <span className="muted small"> {formatTime(request.created_at, language)}</span>
        {request.decision_note && <span className="small" data-testid="my-request-note"> · {request.decision_note}</span>}
      </span>
      <span>{yuan(request.amount)}</span>
    </li>
  );
}

function RequestForm({ order, lines, token, onDone }: { order: Order; lines: (Order['lines'][number] & { left: number })[]; token: string; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [quantities, setQuantities] = useState<Record<number, number>>({});
  const [reason, setReason] = useState('');
  const body = { lines: lines.filter((l) => (quantities[l.line_no] ?? 0) > 0).map((l) => ({ line_no: l.line_no, quantity: quantities[l.line_no]! })), reason: reason.trim() };
  const attempt = useAttemptKey(`${order.id}|${JSON.stringify(body)}`);
  const ask = useMutation({
    mutationFn: () => api<AfterSalesRequest>(`/orders/${order.id}/after-sales`, { token, body, idempotencyKey: attempt.key }),
    onSuccess: async () => {
      attempt.renew();
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['consumer-after-sales', order.id] }),
        queryClient.invalidateQueries({ queryKey: ['consumer-order', order.id] }),
      ]);
      onDone();
    },
  });
  const submit = (e: FormEvent) => { e.preventDefault(); if (body.lines.length && body.reason) ask.mutate(); };
  return (
    <form className="refund-request" onSubmit={submit} data-testid="refund-request-form">
      {lines.map((l) => (
        <Field key={l.line_no} label={`${l.title}（${t('after_sales.up_to', { n: l.left })}）`}>
          <input
            type="number" min={0} max={l.left} inputMode="numeric"
            value={quantities[l.line_no] ?? 0}
            onChange={(e) => setQuantities((q) => ({ ...q, [l.line_no]: Math.max(0, Math.min(l.left, Math.trunc(Number(e.target.value)) || 0)) }))}
            data-testid={`request-qty-${l.line_no}`}
          />
        </Field>
      ))}
      <Field label={t('after_sales.reason')}>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={2} data-testid="request-reason" />
      </Field>
      <button type="submit" className="button primary block" disabled={ask.isPending || !body.lines.length || !body.reason} data-testid="request-submit">{t('after_sales.submit')}</button>
      <ErrorNote error={ask.error} testId="request-error" />
    </form>
  );
}
