import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { useServerMode } from '../SandboxBanner.js';
import { readStored, writeStored } from '../storage.js';
import type { ShopSubscribeOptIns } from '../types.js';
import { ErrorNote } from '../ui.js';

/**
 * After paying, the buyer is asked whether WeChat may notify them about the order (one-time
 * subscriptions: one opt-in allows one message). Inside a mini-program this is
 * wx.requestSubscribeMessage; the sandbox shop stands in for that dialog, and its answer is
 * recorded exactly as the dialog's result would be.
 */
export function SubscribePrompt({ orderId, token }: { orderId: string; token: string }) {
  const { t } = useTranslation();
  const mode = useServerMode();
  const seenKey = `siyu.subscribe.${orderId}`;
  const optIns = useQuery({
    queryKey: ['subscribe-opt-ins', token],
    queryFn: ({ signal }) => api<ShopSubscribeOptIns>('/subscribe-messages/opt-ins', { token, signal }),
    enabled: mode.data?.mode === 'sandbox',
  });
  const answer = useMutation({
    mutationFn: (result: 'accept' | 'reject') => api<ShopSubscribeOptIns>('/subscribe-messages/opt-ins', {
      method: 'POST', token, body: { results: Object.fromEntries((optIns.data?.templates ?? []).map((tpl) => [tpl.template_id, result])) },
    }),
    onSuccess: (_data, result) => writeStored(seenKey, result),
  });
  const answered = answer.isSuccess ? answer.variables : readStored<'accept' | 'reject'>(seenKey);
  if (mode.data?.mode !== 'sandbox' || !optIns.data || optIns.data.templates.length === 0) return null;
  if (answered) {
    const left = (answer.data ?? optIns.data).items.reduce((n, i) => n + i.remaining, 0);
    return <p className="muted small" data-testid="subscribe-answered">{answered === 'accept' ? t('reach.subscribed', { count: left }) : t('reach.declined')}</p>;
  }
  return (
    <section className="card" data-testid="subscribe-prompt">
      <h2 className="section-title">{t('reach.subscribe_title')}</h2>
      <p className="small">{t('reach.subscribe_hint')}</p>
      <p className="muted small">{t('reach.subscribe_sandbox')}</p>
      <p className="row">
        <button type="button" className="button" onClick={() => answer.mutate('reject')} disabled={answer.isPending} data-testid="subscribe-reject">{t('reach.reject')}</button>
        <button type="button" className="button primary" onClick={() => answer.mutate('accept')} disabled={answer.isPending} data-testid="subscribe-accept">{t('reach.accept')}</button>
      </p>
      {answer.error && <ErrorNote error={answer.error} />}
    </section>
  );
}
