import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { yuan } from '../money.js';
import type { Order, RefundBody, RefundStart } from '../types.js';
import { ErrorNote, Field } from '../ui.js';
import { useAttemptKey } from '../useAttemptKey.js';
import { adminApi } from './auth.js';

const REFUNDABLE = new Set(['paid', 'ready_for_pickup', 'completed', 'partially_refunded']);


export function RefundForms({ order, onDone }: { order: Order; onDone: () => unknown }) {
  const { t } = useTranslation();
  const open = order.lines.filter((l) => l.refunded_quantity < l.quantity);
  const [confirming, setConfirming] = useState(false);
  const [lineNo, setLineNo] = useState<number>(open[0]?.line_no ?? 0);
  const [quantity, setQuantity] = useState(1);
  const [reason, setReason] = useState('');
  const line = open.find((l) => l.line_no === lineNo) ?? open[0];
  const left = line ? line.quantity - line.refunded_quantity : 0;

  const partialBody: RefundBody = { reason: reason.trim(), lines: line ? [{ line_no: line.line_no, quantity }] : [] };
  const fullBody: RefundBody = { reason: reason.trim() };
  const partialKey = useAttemptKey(`${order.id}|${JSON.stringify(partialBody)}`);
  const fullKey = useAttemptKey(`${order.id}|full|${JSON.stringify(fullBody)}`);

  const refund = useMutation({
    mutationFn: ({ body, key }: { body: RefundBody; key: string }) =>
      adminApi<RefundStart>(`/orders/${order.id}/refunds`, { body, idempotencyKey: key }),
    onSuccess: (_r, vars) => {
      (vars.body.lines ? partialKey : fullKey).renew();
      setConfirming(false);
      setQuantity(1);
      setReason('');
      return onDone();
    },
  });

  if (!REFUNDABLE.has(order.status)) return null;
  if (!line) return <p className="muted small">{t('admin.nothing_refundable')}</p>;
  const remaining = order.total - order.refunded_total;
  const submitPartial = (e: FormEvent) => {
    e.preventDefault();
    if (quantity >= 1 && quantity <= left) refund.mutate({ body: partialBody, key: partialKey.key });
  };
  return (
    <div className="refunds">
      <form className="action refund-form" onSubmit={submitPartial} data-testid="partial-refund-form">
        <h3 className="sub-title">{t('admin.partial_refund')}</h3>
        <Field label={t('admin.refund_line')}>
          <select value={line.line_no} onChange={(e) => { setLineNo(Number(e.target.value)); setQuantity(1); }} data-testid="refund-line">
            {open.map((l) => <option key={l.line_no} value={l.line_no}>{l.line_no}. {l.title} ({l.quantity - l.refunded_quantity})</option>)}
          </select>
        </Field>
        <Field label={t('admin.refund_qty')}>
          <input
            type="number"
            min={1}
            max={left}
            value={quantity}
            onChange={(e) => setQuantity(Math.max(1, Math.min(left, Math.trunc(Number(e.target.value)) || 1)))}
            data-testid="refund-qty"
          />
        </Field>
        <Field label={t('admin.refund_reason')}>
          <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} data-testid="refund-reason" />
        </Field>
        <button type="submit" disabled={refund.isPending} data-testid="refund-submit">{t('admin.submit_refund')}</button>
      </form>
      <div className="action">
        {!confirming ? (
          <button type="button" className="danger" onClick={() => setConfirming(true)} data-testid="full-refund">{t('admin.full_refund')}</button>
        ) : (
          <span className="inline">
            <button type="button" className="danger solid" disabled={refund.isPending} onClick={() => refund.mutate({ body: fullBody, key: fullKey.key })} data-testid="confirm-full-refund">
              {t('admin.confirm_full_refund', { amount: yuan(remaining) })}
            </button>
            <button type="button" className="link" onClick={() => setConfirming(false)}>{t('admin.cancel')}</button>
          </span>
        )}
      </div>
      <ErrorNote error={refund.error} testId="refund-error" />
      {refund.isSuccess && <p className="notice" data-testid="refund-created">{t('admin.refund_created', { amount: yuan(refund.data.amount) })}</p>}
    </div>
  );
}
