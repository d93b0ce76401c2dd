import type { Db } from '../../database.js';
import { homeTenant } from '../../modules/identity/identity.service.js';
import { DEMO_TENANT_SLUG } from '../../modules/b-nodes/b-nodes.service.js';
import { listTemplates, putTemplate } from '../../modules/subscribe-messages/subscribe-messages.service.js';
import type { OrderEvent, PutTemplateInput } from '../../modules/subscribe-messages/subscribe-messages.schema.js';

/** The sandbox demo's subscribe-message templates: ids in WeChat's shape, keys as WeChat's order templates use them. */
export const DEMO_SUBSCRIBE_TEMPLATES: Record<OrderEvent, PutTemplateInput> = {
  order_paid: { template_id: 'demoTplOrderPaid000000000000000000000000001', page: 'pages/order/order', fields: { character_string1: 'order_number', amount2: 'amount', thing3: 'shop_name', thing4: 'event_text' } },
  ready_for_pickup: { template_id: 'demoTplReadyForPickup00000000000000000000002', page: 'pages/order/order', fields: { character_string1: 'order_number', thing2: 'pickup_address', thing3: 'event_text' } },
  refund_done: { template_id: 'demoTplRefundDone0000000000000000000000000003', page: 'pages/order/order', fields: { character_string1: 'order_number', amount2: 'amount', thing3: 'event_text' } },
};

/**
 * Gives the sandbox demo's tenant its subscribe-message templates (sandbox only, at start), so the
 * demo walk asks for notifications after paying and sends them through the simulator. Templates an
 * admin set are left alone.
 */
export async function seedDemoSubscribeTemplates(db: Db): Promise<void> {
  const tenant = await homeTenant(db, DEMO_TENANT_SLUG, DEMO_TENANT_SLUG);
  if (!tenant || tenant.slug !== DEMO_TENANT_SLUG) return;
  const existing = new Set((await listTemplates(db, tenant.id)).map((t) => t.event));
  for (const [event, template] of Object.entries(DEMO_SUBSCRIBE_TEMPLATES) as [OrderEvent, PutTemplateInput][]) {
    if (!existing.has(event)) await putTemplate(db, tenant.id, event, template);
  }
}
