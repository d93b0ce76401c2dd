import { useQuery } from '@tanstack/react-query';
import { adminApi } from '../auth.js';
import type { BNode, PnlDimension, Policy, Product, Supplier } from './types.js';

const LONG = 5 * 60_000;

export const POLICIES_KEY = ['admin', 'economics', 'policies'] as const;

export const useBNodes = (enabled = true) => useQuery({
  queryKey: ['admin', 'b-nodes'],
  queryFn: ({ signal }) => adminApi<{ items: BNode[] }>('/b-nodes', { signal }).then((r) => r.items),
  staleTime: LONG,
  enabled,
});

export const usePolicies = (enabled = true) => useQuery({
  queryKey: POLICIES_KEY,
  queryFn: ({ signal }) => adminApi<{ items: Policy[] }>('/economics/policies', { signal }).then((r) => r.items),
  enabled,
});

const useSuppliers = (enabled: boolean) => useQuery({
  queryKey: ['admin', 'suppliers'],
  queryFn: ({ signal }) => adminApi<{ items: Supplier[] }>('/suppliers', { signal }).then((r) => r.items),
  staleTime: LONG,
  enabled,
});

const useProducts = (enabled: boolean) => useQuery({
  queryKey: ['admin', 'products'],
  queryFn: ({ signal }) => adminApi<{ items: Product[] }>('/products', { signal }).then((r) => r.items),
  staleTime: LONG,
  enabled,
});

/**
 * Names for the ids a P&L is keyed by. Only the list the dimension needs is fetched; an id the
 * list does not know (deleted, or not yet loaded) shows as itself rather than as a blank.
 */
export function useDimensionNames(by: PnlDimension): { name: (key: string) => string; loading: boolean } {
  const nodes = useBNodes(by === 'b_node');
  const policies = usePolicies(by === 'policy');
  const suppliers = useSuppliers(by === 'supplier');
  const products = useProducts(by === 'sku');
  const map = new Map<string, string>();
  if (by === 'b_node') for (const n of nodes.data ?? []) map.set(n.id, n.name);
  if (by === 'policy') for (const p of policies.data ?? []) map.set(p.id, p.name);
  if (by === 'supplier') for (const s of suppliers.data ?? []) map.set(s.id, s.name);
  if (by === 'sku') for (const p of products.data ?? []) for (const s of p.skus) map.set(s.id, `${p.title} · ${s.name}`);
  const active = { b_node: nodes, policy: policies, supplier: suppliers, sku: products, campaign: null, day: null }[by];
  return { name: (key) => map.get(key) ?? key, loading: !!active?.isPending };
}
