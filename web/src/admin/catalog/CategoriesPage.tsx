import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import { useCan } from '../access.js';
import { categoryOptions, type Category } from './types.js';

/** The tenant's category tree: add, rename, move (never under itself: the server refuses) and order. Admins only. */
export function CategoriesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const queryClient = useQueryClient();
  const categories = useQuery({ queryKey: ['admin', 'categories'], queryFn: ({ signal }) => adminApi<{ items: Category[] }>('/categories', { signal }).then((r) => r.items) });
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'categories'] });
  const create = useMutation({
    mutationFn: () => adminApi<Category>('/categories', { method: 'POST', body: { name: name.trim(), parent_id: parent || null } }),
    onSuccess: async () => { setName(''); await refresh(); },
  });
  const update = useMutation({
    mutationFn: ({ id, ...patch }: { id: string; name?: string; parent_id?: string | null; position?: number }) => adminApi(`/categories/${id}`, { method: 'PATCH', body: patch }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: (id: string) => adminApi(`/categories/${id}`, { method: 'DELETE' }), onSuccess: refresh });
  if (!can('tenant.manage')) return null;
  if (categories.isPending) return <Loading />;
  if (categories.error) return <ErrorNote error={categories.error} />;
  const options = categoryOptions(categories.data);
  const byId = new Map(categories.data.map((c) => [c.id, c]));
  return (
    <section data-testid="categories-page">
      <p><Link to="/admin/products" className="link">← {t('catalog.back')}</Link></p>
      <h1 className="page-title">{t('catalog.categories_title')}</h1>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('catalog.new_category')} maxLength={60} required data-testid="category-name" />
        <select value={parent} onChange={(e) => setParent(e.target.value)} data-testid="category-parent">
          <option value="">{t('catalog.top_level')}</option>
          {options.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
        </select>
        <button type="submit" className="primary" disabled={!name.trim() || create.isPending} data-testid="category-create">{t('catalog.create')}</button>
      </form>
      {(create.error ?? update.error ?? remove.error) && <ErrorNote error={create.error ?? update.error ?? remove.error} testId="category-error" />}
      <div className="card">
        {options.map((o) => {
          const c = byId.get(o.id)!;
          return (
            <div className="tree-row" key={c.id} data-testid="category-row" data-category={c.id}>
              <span style={{ flex: 1 }}>{o.label}</span>
              <label className="small muted">{t('catalog.position')} <input type="number" min={0} defaultValue={c.position} style={{ width: 64 }} onBlur={(e) => Number(e.target.value) !== c.position && update.mutate({ id: c.id, position: Number(e.target.value) })} /></label>
              <select value={c.parent_id ?? ''} onChange={(e) => update.mutate({ id: c.id, parent_id: e.target.value || null })} aria-label={t('catalog.parent')} data-testid="category-move">
                <option value="">{t('catalog.top_level')}</option>
                {options.filter((p) => p.id !== c.id).map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
              </select>
              <button type="button" className="link" onClick={() => { const next = window.prompt(t('catalog.rename'), c.name); if (next?.trim()) update.mutate({ id: c.id, name: next.trim() }); }}>{t('catalog.rename')}</button>
              <button type="button" className="link danger" onClick={() => remove.mutate(c.id)} data-testid="category-delete">{t('catalog.delete')}</button>
            </div>
          );
        })}
      </div>
    </section>
  );
}
