import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../api/schema.gen.js';
import { ErrorNote, Field, Loading } from '../ui.js';
import { adminApi } from './auth.js';
import { useMe } from './access.js';

type PickupPoint = components['schemas']['PickupPoint'];
type BNode = components['schemas']['BNode'];

/** Text fields hold what is typed; a coordinate is sent as a number, or null when left empty. */
const coordinate = (text: string) => (text.trim() === '' ? null : Number(text));

/**
 * Where buyers collect: address, GCJ-02 coordinates, opening hours. An owner edits its own node's
 * (on a phone); a tenant admin picks a node first.
 */
export function PickupPointPage() {
  const { t } = useTranslation();
  const me = useMe();
  const own = me?.b_node_id ?? null;
  const nodes = useQuery({ queryKey: ['admin', 'b-nodes'], queryFn: ({ signal }) => adminApi<{ items: BNode[] }>('/b-nodes', { signal }), enabled: !!me && own === null });
  const [picked, setPicked] = useState<string | null>(null);
  const nodeId = own ?? picked ?? nodes.data?.items[0]?.id ?? null;
  if (!me) return <Loading />;
  return (
    <section>
      <h1 className="page-title">{t('pickup.title')}</h1>
      {own === null && (
        <Field label={t('pickup.node')}>
          <select value={nodeId ?? ''} onChange={(e) => setPicked(e.target.value)} data-testid="pickup-node">
            {(nodes.data?.items ?? []).map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
          </select>
        </Field>
      )}
      {nodeId && <PickupForm key={nodeId} nodeId={nodeId} />}
    </section>
  );
}

function PickupForm({ nodeId }: { nodeId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const point = useQuery({ queryKey: ['admin', 'pickup', nodeId], queryFn: ({ signal }) => adminApi<PickupPoint>(`/b-nodes/${nodeId}/pickup-point`, { signal }) });
  const [form, setForm] = useState({ address: '', lat: '', lng: '', hours: '' });
  useEffect(() => {
    if (point.data) setForm({ address: point.data.address, lat: point.data.lat?.toString() ?? '', lng: point.data.lng?.toString() ?? '', hours: point.data.hours });
  }, [point.data]);
  const save = useMutation({
    mutationFn: () => adminApi<PickupPoint>(`/b-nodes/${nodeId}/pickup-point`, { method: 'PUT', body: { address: form.address, lat: coordinate(form.lat), lng: coordinate(form.lng), hours: form.hours } }),
    onSuccess: (saved) => queryClient.setQueryData(['admin', 'pickup', nodeId], saved),
  });
  if (point.isPending) return <Loading />;
  if (point.error) return <ErrorNote error={point.error} />;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <form className="card" onSubmit={(e) => { e.preventDefault(); save.mutate(); }} data-testid="pickup-form">
      <Field label={t('pickup.address')}><textarea value={form.address} onChange={set('address')} rows={2} maxLength={500} data-testid="pickup-address" /></Field>
      <div className="two-col">
        <Field label={t('pickup.lat')}><input inputMode="decimal" value={form.lat} onChange={set('lat')} placeholder="31.2354" data-testid="pickup-lat" /></Field>
        <Field label={t('pickup.lng')}><input inputMode="decimal" value={form.lng} onChange={set('lng')} placeholder="121.5055" data-testid="pickup-lng" /></Field>
      </div>
      <p className="muted small">{t('pickup.coordinates_hint')}</p>
      <Field label={t('pickup.hours')}><input value={form.hours} onChange={set('hours')} maxLength={200} placeholder={t('pickup.hours_placeholder')} data-testid="pickup-hours" /></Field>
      {save.error ? <ErrorNote error={save.error} testId="pickup-error" /> : null}
      {save.isSuccess && <p className="ok small" data-testid="pickup-saved">{t('pickup.saved')}</p>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending} data-testid="pickup-save">{t('pickup.save')}</button>
        {point.data.map_url && <a href={point.data.map_url} target="_blank" rel="noreferrer" data-testid="pickup-map">{t('pickup.open_map')}</a>}
      </div>
    </form>
  );
}
