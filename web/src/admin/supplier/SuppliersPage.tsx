import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote, Field, Loading } from '../../ui.js';
import { adminApi } from '../auth.js';
import type { Supplier } from './types.js';

interface Operator { id: string; login: string; display_name: string }

/** Suppliers as parties, for tenant admins: the tenant's own brand or third parties, and their operators' logins. */
export function SuppliersPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['admin', 'suppliers'], queryFn: ({ signal }) => adminApi<{ items: Supplier[] }>('/suppliers', { signal }).then((r) => r.items) });
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'third_party' | 'tenant'>('third_party');
  const create = useMutation({
    mutationFn: () => adminApi<Supplier>('/suppliers', { method: 'POST', body: { name, kind } }),
    onSuccess: () => { setName(''); void queryClient.invalidateQueries({ queryKey: ['admin', 'suppliers'] }); },
  });
  const submit = (e: FormEvent) => { e.preventDefault(); create.mutate(); };
  return (
    <section data-testid="suppliers-page">
      <h1 className="page-title">{t('supply.suppliers_title')}</h1>
      <form className="card form" onSubmit={submit} data-testid="supplier-form">
        <Field label={t('supply.supplier_name')}><input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} data-testid="supplier-name" /></Field>
        <Field label={t('supply.supplier_kind')}>
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="supplier-kind">
            <option value="third_party">{t('supply.kind.third_party')}</option>
            <option value="tenant">{t('supply.kind.tenant')}</option>
          </select>
        </Field>
        <ErrorNote error={create.error} />
        <button type="submit" className="primary" disabled={create.isPending || !name.trim()} data-testid="supplier-create">{t('supply.add_supplier')}</button>
      </form>
      {list.isPending ? <Loading /> : list.error ? <ErrorNote error={list.error} /> : list.data.map((s) => <SupplierCard key={s.id} supplier={s} />)}
    </section>
  );
}

function SupplierCard({ supplier: s }: { supplier: Supplier }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const operators = useQuery({ queryKey: ['admin', 'supplier-operators', s.id], queryFn: ({ signal }) => adminApi<{ items: Operator[] }>(`/suppliers/${s.id}/operators`, { signal }).then((r) => r.items), enabled: open });
  const [draft, setDraft] = useState({ login: '', display_name: '', password: '' });
  const add = useMutation({
    mutationFn: () => adminApi(`/suppliers/${s.id}/operators`, { method: 'POST', body: draft }),
    onSuccess: () => { setDraft({ login: '', display_name: '', password: '' }); void queryClient.invalidateQueries({ queryKey: ['admin', 'supplier-operators', s.id] }); },
  });
  return (
    <article className="card" data-testid="supplier" data-supplier={s.id}>
      <div className="card-head">
        <strong>{s.name}</strong>
        <span className="tag">{t(`supply.kind.${s.kind ?? 'third_party'}`)}</span>
        <button type="button" className="link" onClick={() => setOpen(!open)} data-testid="supplier-operators-toggle">{t('supply.operators')}</button>
      </div>
      {open && (
        <>
          {operators.isPending ? <Loading /> : (
            <ul className="plain-list" data-testid="supplier-operators">
              {operators.data?.map((o) => <li key={o.id} data-testid="supplier-operator">{o.display_name} <span className="muted small mono">{o.login}</span></li>)}
              {operators.data?.length === 0 && <li className="muted">{t('supply.no_operators')}</li>}
            </ul>
          )}
          <form className="form" onSubmit={(e) => { e.preventDefault(); add.mutate(); }}>
            <Field label={t('supply.operator_login')}><input value={draft.login} onChange={(e) => setDraft({ ...draft, login: e.target.value })} required autoComplete="off" data-testid="operator-login" /></Field>
            <Field label={t('supply.operator_name')}><input value={draft.display_name} onChange={(e) => setDraft({ ...draft, display_name: e.target.value })} required data-testid="operator-name" /></Field>
            <Field label={t('supply.operator_password')}><input type="password" value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} required minLength={8} autoComplete="new-password" data-testid="operator-password" /></Field>
            <ErrorNote error={add.error} />
            <button type="submit" className="small primary" disabled={add.isPending} data-testid="operator-create">{t('supply.add_operator')}</button>
          </form>
        </>
      )}
    </article>
  );
}
