import { useEffect, useState, type ReactNode } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema.gen.js';
import { adminApi } from '../auth.js';

export type PickedMember = components['schemas']['ReachMember'];
export type PickedStore = components['schemas']['ReachStore'];
export type PickedGroup = components['schemas']['ReachGroup'];

const SHOWN = 8;

function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

interface SearchPickerProps<T> {
  label: string;
  placeholder: string;
  testId: string;
  value: T[];
  onChange: (next: T[]) => void;
  /** Several may be chosen (chips stay above the search); otherwise choosing one closes the search. */
  multiple?: boolean;
  /** At most this many chosen (multiple only). */
  max?: number;
  keyOf: (item: T) => string;
  render: (item: T) => ReactNode;
  search: (q: string, signal: AbortSignal) => Promise<{ items: T[] }>;
  queryKey: unknown[];
  /** Keys never offered (a handover's source member as its own taker). */
  exclude?: string[] | undefined;
}

/**
 * A search box over a list endpoint with what is chosen shown as chips above it: the server
 * decides what the user may see (a node role: its own node's), the screen never asks for an id.
 */
function SearchPicker<T>({ label, placeholder, testId, value, onChange, multiple = false, max, keyOf, render, search, queryKey, exclude }: SearchPickerProps<T>) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const term = useDebounced(q.trim());
  const open = multiple ? (max === undefined || value.length < max) : value.length === 0;
  const found = useQuery({
    queryKey: ['admin', 'reach', 'pick', ...queryKey, term],
    queryFn: ({ signal }) => search(term, signal),
    enabled: open,
    placeholderData: keepPreviousData,
  });
  const chosen = new Set([...value.map(keyOf), ...(exclude ?? [])]);
  const options = (found.data?.items ?? []).filter((i) => !chosen.has(keyOf(i)));
  return (
    <fieldset className="picker" data-testid={testId}>
      <legend>{label}{multiple && value.length > 0 && <span className="muted"> · {value.length}{max !== undefined && ` / ${max}`}</span>}</legend>
      {value.length > 0 && (
        <div className="chips">
          {value.map((item) => (
            <button key={keyOf(item)} type="button" className="chip active" onClick={() => onChange(value.filter((v) => keyOf(v) !== keyOf(item)))}
              aria-label={t('outreach.unpick')} data-testid={`${testId}-chosen`}>
              {render(item)}
            </button>
          ))}
        </div>
      )}
      {open && (
        <>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={placeholder} aria-label={placeholder} data-testid={`${testId}-search`} />
          <ul className="picker-options">
            {options.slice(0, SHOWN).map((item) => (
              <li key={keyOf(item)}>
                <button type="button" className="chip" onClick={() => { onChange(multiple ? [...value, item] : [item]); setQ(''); }} data-testid={`${testId}-option`}>
                  {render(item)}
                </button>
              </li>
            ))}
            {found.data && options.length === 0 && <li className="muted small">{t('outreach.none_found')}</li>}
          </ul>
        </>
      )}
    </fieldset>
  );
}

/** Active WeCom members by name or userid, with their store; a node role is offered its node's only. */
export function MemberPicker({ label, testId, value, onChange, multiple, bNodeId, includeLeft, exclude }: {
  label: string; testId: string; value: PickedMember[]; onChange: (next: PickedMember[]) => void; multiple?: boolean; bNodeId?: string | undefined;
  /** Offer members who left too (after the active ones): a handover starts from them. */
  includeLeft?: boolean;
  exclude?: string[];
}) {
  const { t } = useTranslation();
  return (
    <SearchPicker<PickedMember> label={label} placeholder={t('outreach.search_member')} testId={testId} value={value} onChange={onChange} multiple={multiple ?? false} exclude={exclude}
      keyOf={(m) => m.userid} queryKey={['members', bNodeId ?? '', includeLeft ?? false]}
      render={(m) => <>{m.name || m.userid}<small>{m.userid}{m.b_node_name ? ` · ${m.b_node_name}` : ''}{m.status === 'left' ? ` · ${t('outreach.member_left')}` : ''}</small></>}
      search={(q, signal) => adminApi('/reach/members', { query: { limit: 20, ...(q ? { q } : {}), ...(bNodeId ? { b_node_id: bNodeId } : {}), ...(includeLeft ? { include_left: 'true' } : {}) }, signal })} />
  );
}

/** The stores (B nodes) the user may act for, by name. */
export function StorePicker({ label, testId, value, onChange }: { label: string; testId: string; value: PickedStore[]; onChange: (next: PickedStore[]) => void }) {
  const { t } = useTranslation();
  return (
    <SearchPicker<PickedStore> label={label} placeholder={t('outreach.search_store')} testId={testId} value={value} onChange={onChange}
      keyOf={(s) => s.id} queryKey={['stores']} render={(s) => <>{s.name}</>}
      search={(q, signal) => adminApi('/reach/stores', { query: { limit: 20, ...(q ? { q } : {}) }, signal })} />
  );
}

/** Customer groups by name, of a store or owner when given; several, up to `max`. */
export function GroupPicker({ label, testId, value, onChange, max, bNodeId, ownerUserid }: {
  label: string; testId: string; value: PickedGroup[]; onChange: (next: PickedGroup[]) => void; max: number; bNodeId?: string | undefined; ownerUserid?: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <SearchPicker<PickedGroup> label={label} placeholder={t('outreach.search_group')} testId={testId} value={value} onChange={onChange} multiple max={max}
      keyOf={(g) => g.id} queryKey={['groups', bNodeId ?? '', ownerUserid ?? '']}
      render={(g) => <>{g.name || g.chat_id}<small>{t('outreach.group_members', { count: g.member_count })}{g.owner_name ? ` · ${g.owner_name}` : ''}</small></>}
      search={(q, signal) => adminApi('/reach/groups', { query: { limit: 20, ...(q ? { q } : {}), ...(bNodeId ? { b_node_id: bNodeId } : {}), ...(ownerUserid ? { owner_userid: ownerUserid } : {}) }, signal })} />
  );
}

/** The store a node role is bound to, chosen from the start (it may act for no other). */
export function useOwnStore(enabled: boolean): PickedStore | undefined {
  const own = useQuery({
    queryKey: ['admin', 'reach', 'pick', 'stores', 'own'],
    queryFn: ({ signal }) => adminApi<{ items: PickedStore[] }>('/reach/stores', { query: { limit: 2 }, signal }),
    enabled,
  });
  return enabled && own.data?.items.length === 1 ? own.data.items[0] : undefined;
}
