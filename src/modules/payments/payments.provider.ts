/**
 * What a payment provider adapter offers. Adapters speak the provider's protocol (signatures,
 * field names, status codes); the payments module only sees these shapes.
 */
export type NotificationType = 'payment.succeeded' | 'payment.failed' | 'refund.succeeded' | 'refund.failed' | 'refund.abnormal';

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
  /** The app the buyer paid in, when the provider says (checked against the one the payment was made for). */
  appid?: string | undefined;
  /** Set when a verified notification names another merchant or app than ours: refused and alerted, never applied. */
  mismatch?: { field: 'mchid' | 'appid'; notified: string; expected: string } | undefined;
}

export interface PrepayRequest {
  tenantId: string; paymentId: string; orderId: string; amount: number; description: string;
  /** The buyer (their WeChat identity pays) and when the order stops accepting payment. */
  customerId?: string | undefined; expiresAt?: Date | undefined;
}

/** What a prepay gives the client, and what the provider's side of the payment is called. */
export interface PrepayResult { pay_url: string | null; params: Record<string, unknown>; reference?: { appid: string; prepay_id: string } | undefined }
export interface RefundRequest { tenantId: string; paymentId: string; refundId: string; amount: number; paymentAmount: number }

export interface PaymentProvider {
  readonly name: string;
  prepay(request: PrepayRequest): Promise<PrepayResult>;
  /**
   * Set by providers whose prepay and refund are network calls: prepay then runs after the payment's transaction
   * committed (never holding a transaction open), on the first answer and on every replay, and a
   * refund is submitted between transactions.
   */
  readonly callsOutsideTransaction?: boolean;
  /**
   * Asks the provider where a payment stands (the query job, when no notification came): a
   * notification to apply as if it had been delivered when it is paid, null otherwise.
   */
  queryPayment?(tenantId: string, paymentId: string): Promise<PaymentNotification | null>;
  /** Closes the provider's side of a payment that will not be paid (expired or cancelled order). */
  closePayment?(tenantId: string, paymentId: string): Promise<'closed' | 'already_paid' | 'not_found'>;
  /**
   * Verifies the signature over the raw body (with the key of the tenant the body names) and the
   * timestamp, and decodes it; throws `invalid_signature`, `stale_notification` or
   * `malformed_notification` otherwise.
   */
  parseNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, target?: { tenantId: string }): Promise<PaymentNotification>;
  /**
   * Submits a refund; the result arrives later as a notification. Runs from a job, outside request
   * handling. A provider that refuses the refund outright throws `refund_rejected` (payments' error
   * set): the refund then fails at once, as if its failure had been notified; any other error is
   * retried by the job queue.
   */
  requestRefund(request: RefundRequest, context: { enqueue: (kind: string, payload: unknown) => Promise<void> }): Promise<void>;
}
