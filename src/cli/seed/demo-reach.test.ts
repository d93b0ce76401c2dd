/** The sandbox demo's subscribe-message templates are set once and never over an admin's. */
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { createTenant } from '../../modules/identity/identity.service.js';
import { DEMO_TENANT_SLUG } from '../../modules/b-nodes/b-nodes.service.js';
import { listTemplates, putTemplate } from '../../modules/subscribe-messages/subscribe-messages.service.js';
import { DEMO_SUBSCRIBE_TEMPLATES, seedDemoSubscribeTemplates } from './demo-reach.js';

describe('seedDemoSubscribeTemplates', async () => {
  const { db } = await createTestDatabase();

  it('sets the demo tenant\'s three templates, keeping one an admin changed', async () => {
    await seedDemoSubscribeTemplates(db);
    expect(await db.selectFrom('subscribe_templates').select('event').execute()).toEqual([]); // no demo tenant yet
    const tenant = await createTenant(db, { slug: DEMO_TENANT_SLUG, name: 'Demo' });
    await putTemplate(db, tenant.id, 'order_paid', { template_id: 'adminsOwnTemplate', page: '', fields: { thing1: 'event_text' } });
    await seedDemoSubscribeTemplates(db);
    await seedDemoSubscribeTemplates(db);
    const templates = await listTemplates(db, tenant.id);
    expect(templates.map((t) => [t.event, t.template_id])).toEqual([
      ['order_paid', 'adminsOwnTemplate'],
      ['ready_for_pickup', DEMO_SUBSCRIBE_TEMPLATES.ready_for_pickup.template_id],
      ['refund_done', DEMO_SUBSCRIBE_TEMPLATES.refund_done.template_id],
    ]);
  });
});
