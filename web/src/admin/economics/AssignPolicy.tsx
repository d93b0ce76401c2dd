import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../ui.js';
import { adminApi } from '../auth.js';
import { useBNodes, usePolicies } from './queries.js';
import type { BNode } from './types.js';

/** Gives a B node a commission policy; new orders of that node are costed with it. */
export function AssignPolicy() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const nodes = useBNodes();
  const policies = usePolicies();
  const [nodeId, setNodeId] = useState('');
  const [policyId, setPolicyId] = useState<string | null>(null);
  const node = useQuery({
    queryKey: ['admin', 'b-node', nodeId],
    queryFn: ({ signal }) => adminApi<BNode>(`/b-nodes/${nodeId}`, { signal }),
    enabled: nodeId !== '',
  });
  const current = node.data?.commission_policy_id ?? '';
  const chosen = policyId ?? current;
  const assign = useMutation({
    mutationFn: () => adminApi(`/b-nodes/${nodeId}/commission-policy`, { method: 'PUT', body: { policy_id: chosen || null } }),
    onSuccess: async () => {
      setPolicyId(null);
      await queryClient.invalidateQueries({ queryKey: ['admin', 'b-node', nodeId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (nodeId) assign.mutate();
  };
  const policyName = (id: string) => policies.data?.find((p) => p.id === id)?.name ?? id;
  return (
    <section className="card" data-testid="assign-card">
      <h2 className="section-title">{t('economics.assign_title')}</h2>
      <form className="inline" onSubmit={submit}>
        <select value={nodeId} onChange={(e) => { setNodeId(e.target.value); setPolicyId(null); assign.reset(); }} aria-label={t('economics.b_node')} data-testid="assign-node" className="auto">
          <option value="">{t('economics.choose_node')}</option>
          {(nodes.data ?? []).map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
        </select>
        <select value={chosen} onChange={(e) => { setPolicyId(e.target.value); assign.reset(); }} disabled={!nodeId || node.isPending} aria-label={t('economics.policy')} data-testid="assign-policy" className="auto">
          <option value="">{t('economics.no_policy')}</option>
          {(policies.data ?? []).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
        <button type="submit" className="primary" disabled={!nodeId || node.isPending || chosen === current || assign.isPending} data-testid="assign-submit">
          {t('economics.assign')}
        </button>
      </form>
      {nodeId && node.data && (
        <p className="muted small" data-testid="assign-current">
          {t('economics.current_policy', { name: current ? policyName(current) : t('economics.no_policy') })}
        </p>
      )}
      {assign.isSuccess && <p className="notice" data-testid="assign-done">{t('economics.assigned')}</p>}
      <ErrorNote error={assign.error ?? node.error} testId="assign-error" />
    </section>
  );
}
