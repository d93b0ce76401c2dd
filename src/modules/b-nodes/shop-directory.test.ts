import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';

describe('the home page\'s shop directory', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const get = async (query = '') => {
    const r = await siyu.server.inject({ method: 'GET', url: `/api/v1/shops${query}` });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { tenant: { slug: string; name: string } | null; shops: { slug: string; name: string; kind: string }[] };
  };

  it('lists the only tenant\'s shops, the demo\'s among several, or the one named, without signing in', async () => {
    expect(await get()).toEqual({ tenant: null, shops: [] });
    const first = await seedWorld(db, clock, { slug: 'acme' });
    expect(await get()).toEqual({ tenant: { slug: 'acme', name: 'Tenant acme' }, shops: [{ slug: first.shop, name: 'Leader Li', kind: 'leader', pickup_address: '' }] });

    const other = await seedWorld(db, clock, { slug: 'other' });
    expect((await get()).tenant).toBeNull();
    const demo = await seedWorld(db, clock, { slug: 'demo' });
    expect(await get()).toMatchObject({ tenant: { slug: 'demo' }, shops: [{ slug: demo.shop }] });

    expect(await get('?tenant=other')).toMatchObject({ tenant: { slug: 'other' }, shops: [{ slug: other.shop }] });
    expect(await get('?tenant=nobody')).toEqual({ tenant: null, shops: [] });
    expect((await siyu.server.inject({ method: 'GET', url: '/api/v1/shops?tenant=' })).statusCode).toBe(400);
  });
});
