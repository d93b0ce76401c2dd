import { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api.js';
import { readStored, writeStored } from '../storage.js';

/** The share code the buyer arrived through (from the short link's redirect), until it is claimed for them. */
interface PendingShare { code: string; visit: string | null; claimedBy: string | null }

const key = (slug: string) => `siyu.share.${slug}`;

/**
 * Keeps the code of a short link (`?share=…&visit=…`) and, once the buyer has a session, records
 * the visit as theirs, so their orders in the attribution window credit the sharer. A code that
 * resolves to nothing is simply not attributed; the shop works the same.
 */
export function useShareAttribution(slug: string, token: string | undefined, customerId: string | undefined) {
  const [params] = useSearchParams();
  const code = params.get('share');
  const visit = params.get('visit');
  useEffect(() => {
    if (code) writeStored(key(slug), { code, visit, claimedBy: null } satisfies PendingShare);
  }, [slug, code, visit]);
  useEffect(() => {
    const pending = readStored<PendingShare>(key(slug));
    if (!pending || !token || !customerId || pending.claimedBy === customerId) return;
    void api('/share/visits', { method: 'POST', token, body: { scene: pending.code, channel: 'shop', ...(pending.visit ? { visit_id: pending.visit } : {}) } })
      .then(() => writeStored(key(slug), { ...pending, claimedBy: customerId } satisfies PendingShare))
      .catch(() => undefined);
  }, [slug, token, customerId, code]);
}
