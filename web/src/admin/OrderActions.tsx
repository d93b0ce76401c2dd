import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Order } from '../types.js';
import { ErrorNote } from '../ui.js';
import { adminApi } from './auth.js';
import { RefundForms } from './RefundForms.js';
import { useCan } from './access.js';

const READY_FROM = new Set(['paid', 'partially_refunded']);
const PICKUP_FROM = new Set(['paid', 'ready_for_pickup', 'partially_refunded']);

/** Staff actions, offered only to a role that may take them and where the order's state machine allows them; the server decides in the end. */
export function OrderActions({ order }: { order: Order }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin'] });
  const unrefunded = order.lines.some((l) => l.refunded_quantity < l.quantity);

  const ready = useMutation({ mutationFn: () => adminApi<Order>(`/orders/${order.id}/ready`, { method: 'POST' }), onSuccess: refresh });
  const pickup = useMutation({
    mutationFn: () => adminApi<Order>(`/orders/${order.id}/pickup`, { body: { code } }),
    onSuccess: () => { setCode(''); return refresh(); },
  });
  const submitPickup = (e: FormEvent) => {
    e.preventDefault();
    if (/^[0-9]{6}$/.test(code)) pickup.mutate();
  };

  const can = useCan();
  const canReady = can('orders.fulfil') && READY_FROM.has(order.status) && !order.shipped && unrefunded;
  const canPickup = can('orders.fulfil') && PICKUP_FROM.has(order.status) && unrefunded;
  const canRefund = can('orders.refund');
  if (!canReady && !canPickup && !canRefund) return null;
  return (
    <section className="card actions" data-testid="order-actions">
      <h2 className="section-title">{t('admin.actions')}</h2>
      {canReady && (
        <div className="action">
          <button type="button" onClick={() => ready.mutate()} disabled={ready.isPending} data-testid="mark-ready">{t('admin.mark_ready')}</button>
          <ErrorNote error={ready.error} testId="ready-error" />
        </div>
      )}
      {canPickup && (
        <form className="action inline" onSubmit={submitPickup}>
          <input
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
            inputMode="numeric"
            placeholder={t('admin.pickup_code')}
            aria-label={t('admin.pickup_code')}
            className="mono code-input"
            data-testid="pickup-code-input"
          />
          <button type="submit" disabled={code.length !== 6 || pickup.isPending} data-testid="pickup-verify">{t('admin.verify_pickup')}</button>
          <ErrorNote error={pickup.error} testId="pickup-error" />
          {pickup.isSuccess && <p className="notice">{t('admin.pickup_done')}</p>}
        </form>
      )}
      {canRefund && <RefundForms order={order} onDone={refresh} />}
    </section>
  );
}
