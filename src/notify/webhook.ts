import { createHmac } from 'node:crypto'
import type { WebhookTarget } from '../config/notifications.js'

export const SIGNATURE_HEADER = 'x-tightrope-signature'
export const TIMESTAMP_HEADER = 'x-tightrope-timestamp'
const TIMEOUT_MS = 10_000

/**
 * The signature a receiver recomputes: HMAC-SHA256 with the shared secret over
 * `<timestamp>.<body>`, as lowercase hex behind "sha256=". The timestamp (Unix seconds, also in
 * its own header) is signed so a captured request cannot be replayed later as new.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** POSTs one JSON object; resolves on a 2xx answer, throws otherwise (the queue retries). */
export function webhookSender(target: WebhookTarget): (payload: object) => Promise<void> {
  return async (payload) => {
    const body = JSON.stringify(payload)
    const timestamp = String(Math.floor(Date.now() / 1000))
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'tightrope',
      [TIMESTAMP_HEADER]: timestamp
    }
    if (target.secret) headers[SIGNATURE_HEADER] = webhookSignature(target.secret, timestamp, body)
    let res: Response
    try {
      res = await fetch(target.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error'
      })
    } catch (err) {
      // Never the URL: its path or query may hold a token.
      throw new Error((err as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed')
    }
    await res.body?.cancel()
    if (!res.ok) throw new Error(`answered HTTP ${res.status}`)
  }
}
