/** What a job of `enqueueTo` carries: the notification as PIOPIY sent it, and where it came from. */
export interface PiopiyJobData {
  /** The payload as received (`notification.raw`); the worker parses it again with `parseNotification`. */
  raw: Record<string, unknown>
  /** The dedupe key of the notification (`ctx.key` in the receiver). */
  key: string
  /** When the webhook received it, ISO 8601. */
  receivedAt: string
  /** The sender's address, when known. */
  ip?: string | undefined
}
