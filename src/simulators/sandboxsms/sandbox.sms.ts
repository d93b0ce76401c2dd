import type { SmsProvider } from '../../modules/messaging/messaging.provider.js';
import { newId } from '../../platform/ids.js';

/**
 * The sandbox SMS provider: sends nothing. The message's text stays in the outbox (sms_messages),
 * where the console's Messages screen shows it: that is how a tester receives a code.
 */
export function sandboxSms(): SmsProvider {
  return { name: 'sandbox', send: async () => ({ providerMessageId: newId('sandbox_sms') }) };
}
