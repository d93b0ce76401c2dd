import type { Database } from '../database.js';
import type { Clock } from '../platform/clock.js';
import type { Mode } from '../platform/config.js';
import type { JobHandler } from '../platform/jobs/outbox.js';
import { deriveKey } from '../platform/secrets.js';
import { aliyunSms } from '../adapters/sms/aliyun.sms.js';
import { tencentSms } from '../adapters/sms/tencent.sms.js';
import { sandboxSms } from '../simulators/sandboxsms/sandbox.sms.js';
import type { SmsProvider } from '../modules/messaging/messaging.provider.js';
import { deliverSms, SMS_SEND_JOB, type Messaging, type RecipientPhones } from '../modules/messaging/messaging.service.js';
import { OTP_RULES } from '../modules/customers/otp.service.js';
import { maskPhone, phoneVault } from '../modules/customers/customer-phones.service.js';

/** Recipients' numbers in the outbox: the customers' phone vault and mask, so a number is sealed alike wherever it is kept. */
export function smsRecipientPhones(secretKey: string): RecipientPhones {
  const vault = phoneVault(secretKey);
  return { seal: vault.seal, open: vault.open, mask: (phone) => maskPhone(phone)! };
}

/**
 * SMS as one unit: the providers this mode offers (the sandbox one never in live mode), each
 * tenant choosing among them in its settings, and the job that sends a queued message.
 */
export function smsUnit({ mode, secretKey, clock, overrides }: { mode: Mode; secretKey: string; clock: Clock; overrides?: Partial<Record<'aliyun' | 'tencent', SmsProvider>> }) {
  const messaging: Messaging = {
    providers: {
      ...(mode === 'sandbox' ? { sandbox: sandboxSms() } : {}),
      aliyun: overrides?.aliyun ?? aliyunSms(),
      tencent: overrides?.tencent ?? tencentSms(),
    },
    credentialsKey: deriveKey(secretKey, 'provider-credentials'),
    phones: smsRecipientPhones(secretKey),
  };
  const jobs: Record<string, JobHandler<Database>> = {
    // A message whose code has expired is not worth sending any more.
    [SMS_SEND_JOB]: (db, job) => deliverSms(db, clock, messaging, job.tenant_id, job.payload.message_id, OTP_RULES.ttlMs),
  };
  return { messaging, jobs };
}
