import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { ErrorNote, Loading, formatTime } from '../../ui.js';
import { adminApi } from '../auth.js';

type Alert = components['schemas']['ChurnAlert'];

/** Customers who deleted one of the node's members, until someone has followed up. */
export function ChurnAlertsPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [all, setAll] = useState(false);
  const alerts = useQuery({ queryKey: ['admin', 'crm', 'alerts', all], queryFn: ({ signal }) => adminApi<{ items: Alert[] }>('/churn-alerts', { query: { open: all ? 'false' : 'true' }, signal }) });
  const ack = useMutation({
    mutationFn: (id: string) => adminApi<Alert>(`/churn-alerts/${id}/acknowledge`, { body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'crm', 'alerts'] }),
  });
  return (
    <section data-testid="crm-alerts">
      <h1 className="page-title">{t('crm.alerts_title')}</h1>
      <p className="muted small">{t('crm.alerts_hint')}</p>
      <label className="small"><input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> {t('crm.show_acknowledged')}</label>
      {alerts.isPending ? <Loading /> : alerts.error ? <ErrorNote error={alerts.error} /> : alerts.data.items.length === 0 ? <p className="muted" data-testid="crm-alerts-empty">{t('crm.alerts_none')}</p> : (
        <ul className="crm-cards">
          {alerts.data.items.map((a) => (
            <li key={a.id} className="card crm-card" data-testid="crm-alert">
              <div><Link to={`/admin/customers/${a.customer_id}`}>{t('crm.alert_line', { customer: a.customer_name, member: a.member_name || a.userid })}</Link></div>
              <div className="small muted">{formatTime(a.raised_at, i18n.language)}</div>
              {a.acknowledged_at === null
                ? <button type="button" onClick={() => ack.mutate(a.id)} disabled={ack.isPending} data-testid="crm-alert-ack">{t('crm.acknowledge')}</button>
                : <span className="badge">{t('crm.acknowledge')} {formatTime(a.acknowledged_at, i18n.language)}</span>}
            </li>
          ))}
        </ul>
      )}
      {ack.error && <ErrorNote error={ack.error} />}
    </section>
  );
}
