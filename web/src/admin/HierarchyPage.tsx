import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../api/schema.gen.js';
import { ErrorNote, Loading } from '../ui.js';
import { adminApi } from './auth.js';

type Hierarchy = components['schemas']['Hierarchy'];
type Region = components['schemas']['Region'];
type Node = Hierarchy['nodes'][number];

/** Regions in tree order, each with its depth, for indented lists and pickers. */
function flatten(regions: Region[]): { region: Region; depth: number }[] {
  const children = new Map<string | null, Region[]>();
  for (const r of regions) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r]);
  const out: { region: Region; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const r of children.get(parent) ?? []) { out.push({ region: r, depth }); walk(r.id, depth + 1); }
  };
  walk(null, 0);
  return out;
}

/** Region → store → leaders, with staff under their node: the tenant admin arranges the tree here. */
export function HierarchyPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const tree = useQuery({ queryKey: ['admin', 'hierarchy'], queryFn: ({ signal }) => adminApi<Hierarchy>('/hierarchy', { signal }) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'hierarchy'] });
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const addRegion = useMutation({
    mutationFn: () => adminApi<Region>('/regions', { method: 'POST', body: { name, parent_id: parent || null } }),
    onSuccess: () => { setName(''); void refresh(); },
  });
  const moveRegion = useMutation({
    mutationFn: (v: { id: string; parent_id: string | null }) => adminApi<Region>(`/regions/${v.id}`, { method: 'PATCH', body: { parent_id: v.parent_id } }),
    onSuccess: () => void refresh(),
  });
  const deleteRegion = useMutation({ mutationFn: (id: string) => adminApi<void>(`/regions/${id}`, { method: 'DELETE' }), onSuccess: () => void refresh() });
  const place = useMutation({
    mutationFn: (v: { id: string; region_id?: string | null; parent_id?: string | null; tier?: number }) => {
      const { id, ...body } = v;
      return adminApi(`/b-nodes/${id}/placement`, { method: 'PATCH', body });
    },
    onSuccess: () => void refresh(),
  });

  if (tree.isPending) return <Loading />;
  if (tree.error) return <ErrorNote error={tree.error} />;
  const { regions, nodes, staff } = tree.data;
  const ordered = flatten(regions);
  const stores = nodes.filter((n) => n.kind === 'store');
  const members = (storeId: string) => nodes.filter((n) => n.parent_id === storeId);
  const staffOf = (nodeId: string) => staff.filter((s) => s.b_node_id === nodeId);
  const regionPicker = (value: string | null, onChange: (v: string | null) => void, testId: string, exclude?: string) => (
    <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} data-testid={testId}>
      <option value="">{t('hierarchy.no_region')}</option>
      {ordered.filter((o) => o.region.id !== exclude).map((o) => <option key={o.region.id} value={o.region.id}>{'　'.repeat(o.depth)}{o.region.name}</option>)}
    </select>
  );

  const nodeRow = (n: Node, depth: number) => (
    <li key={n.id} className="hierarchy-node" style={{ marginLeft: `${depth * 1.25}rem` }} data-testid={`node-${n.slug}`}>
      <div className="toolbar">
        <strong>{n.name}</strong>
        <span className="tag">{t(`hierarchy.kind.${n.kind}`)}</span>
        <span className="muted small">T{n.tier}</span>
        {!n.has_coordinates && <span className="badge badge-warn small">{t('hierarchy.no_coordinates')}</span>}
      </div>
      <div className="toolbar small">
        <label>{t('hierarchy.region')} {regionPicker(n.region_id, (v) => place.mutate({ id: n.id, region_id: v }), `node-region-${n.slug}`)}</label>
        {n.kind !== 'store' && (
          <label>{t('hierarchy.store')}{' '}
            <select value={n.parent_id ?? ''} onChange={(e) => place.mutate({ id: n.id, parent_id: e.target.value || null })} data-testid={`node-store-${n.slug}`}>
              <option value="">{t('hierarchy.no_store')}</option>
              {stores.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </label>
        )}
        <label>{t('hierarchy.tier')}{' '}
          <select value={n.tier} onChange={(e) => place.mutate({ id: n.id, tier: Number(e.target.value) })} data-testid={`node-tier-${n.slug}`}>
            {[1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </label>
      </div>
      {staffOf(n.id).length > 0 && <p className="muted small">{t('hierarchy.staff')}: {staffOf(n.id).map((s) => s.name).join('、')}</p>}
    </li>
  );
  const nodesIn = (regionId: string | null) => nodes.filter((n) => n.region_id === regionId && (n.kind === 'store' || !n.parent_id || nodes.find((p) => p.id === n.parent_id)?.region_id !== regionId));
  const branch = (regionId: string | null, depth: number) => nodesIn(regionId).flatMap((n) => [nodeRow(n, depth), ...(n.kind === 'store' ? members(n.id).filter((m) => m.region_id === regionId).map((m) => nodeRow(m, depth + 1)) : [])]);

  return (
    <section>
      <h1 className="page-title">{t('hierarchy.title')}</h1>
      <p className="muted small">{t('hierarchy.hint')}</p>
      <div className="card">
        <div className="toolbar">
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('hierarchy.region_name')} maxLength={60} data-testid="region-name" />
          {regionPicker(parent || null, (v) => setParent(v ?? ''), 'region-parent')}
          <button type="button" className="primary" disabled={!name.trim() || addRegion.isPending} onClick={() => addRegion.mutate()} data-testid="region-add">{t('hierarchy.add_region')}</button>
        </div>
      </div>
      {[addRegion.error, moveRegion.error, deleteRegion.error, place.error].map((e, i) => (e ? <ErrorNote key={i} error={e} testId="hierarchy-error" /> : null))}
      <ul className="hierarchy" data-testid="hierarchy-tree">
        {ordered.map(({ region, depth }) => (
          <li key={region.id} data-testid={`region-${region.name}`}>
            <div className="toolbar hierarchy-region" style={{ marginLeft: `${depth * 1.25}rem` }}>
              <strong>{region.name}</strong>
              <label className="small">{t('hierarchy.move_under')} {regionPicker(region.parent_id, (v) => moveRegion.mutate({ id: region.id, parent_id: v }), `region-move-${region.name}`, region.id)}</label>
              <button type="button" className="link small" onClick={() => deleteRegion.mutate(region.id)}>{t('hierarchy.delete')}</button>
            </div>
            <ul>{branch(region.id, depth + 1)}</ul>
          </li>
        ))}
        <li data-testid="region-none">
          <div className="toolbar hierarchy-region"><strong className="muted">{t('hierarchy.unplaced')}</strong></div>
          <ul>{branch(null, 1)}</ul>
        </li>
      </ul>
    </section>
  );
}
