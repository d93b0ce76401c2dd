/**
 * What a payment provider adapter offers. Adapters speak the provider's protocol (signatures,
 * field names, status codes); the payments module only sees these shapes.
 */
export type NotificationType = 'payment.succeeded' | 'payment.failed' | 'refund.succeeded' | 'refund.failed';

export interface PaymentNotification {
  eventId: string;
  type: NotificationType;
  tenantId: string;
  paymentId: string;
  refundId?: string | undefined;
  /** Fen, as the provider reports it; checked against our own record before anything is applied. */
  amount: number;
  tradeNo: string;
  occurredAt: string;
  raw: unknown;
  /**
   * Set by providers whose signature covers a nonce: the payments module accepts each nonce with
   * one message only (`fingerprint` tells messages apart), for as long as `signedAt` is recent
   * enough for the provider to accept it.
   */
  replayGuard?: { nonce: string; fingerprint: string; signedAt: Date } | undefined;
}

export interface PrepayRequest { tenantId: string; paymentId: string; orderId: string; amount: number; description: string }
export interface RefundRequest { tenantId: string; paymentId: string; refundId: string; amount: number; paymentAmount: number }

export interface PaymentProvider {
  readonly name: string;
  prepay(request: PrepayRequest): Promise<{ pay_url: string | null; params: Record<string, unknown> }>;
  /**
   * Verifies the signature over the raw body (with the key of the tenant the body names) and the
   * timestamp, and decodes it; throws `invalid_signature`, `stale_notification` or
   * `malformed_notification` otherwise.
   */
  parseNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<PaymentNotification>;
  /**
   * Submits a refund; the result arrives later as a notification. Runs from a job, outside request
   * handling. A provider that refuses the refund outright throws `refund_rejected` (payments' error
   * set): the refund then fails at once, as if its failure had been notified; any other error is
   * retried by the job queue.
   */
  requestRefund(request: RefundRequest, context: { enqueue: (kind: string, payload: unknown) => Promise<void> }): Promise<void>;
}
