import type { EventEmitter } from 'node:events'
import { subscribeToPayViaRequest, type AuthenticatedLnd } from 'lightning'

export interface PayArgs {
  lnd: AuthenticatedLnd
  request: string
  outgoing_channel: string
  max_fee: number
  max_paths: number
  max_timeout_height: number
  pathfinding_timeout: number
}

/** What a confirmed payment tells us (the fields payDirect reads). */
export interface Paid {
  fee: number
  secret: string
  hops: Array<{ channel: string }>
}

interface Failed {
  is_canceled?: boolean
  is_insufficient_balance?: boolean
  is_invalid_payment?: boolean
  is_pathfinding_timeout?: boolean
  is_route_not_found?: boolean
}

/** A failed payment's reason, named as the `lightning` client's pay() names it. Pure. */
export function failureName(f: Failed): string {
  if (f.is_canceled) return 'PaymentExecutionCanceled'
  if (f.is_insufficient_balance) return 'InsufficientBalanceToAttemptPayment'
  if (f.is_invalid_payment) return 'PaymentRejectedByDestination'
  if (f.is_pathfinding_timeout) return 'PaymentAttemptsTimedOut'
  if (f.is_route_not_found) return 'PaymentPathfindingFailedToFindPossibleRoute'
  return 'FailedToFindPayableRouteToDestination'
}

/**
 * The `lightning` client's pay(), settled once. pay() settles on the first of confirmed, failed
 * or error, but an error its payment stream raises after the payment ended (LND going away right
 * after it) calls pay()'s callback a second time, and the `async` library throws "Callback was
 * already called" from inside the stream's event handler: an uncaught exception that would end
 * the daemon. Here the same subscription settles the promise once and every later event is heard
 * and ignored (the outcome was already reported; LND's own record is what reconciliation reads).
 * Failures are rejected as pay() rejects them ([503, name]), so callers read them the same way.
 */
export function payOnce(
  args: PayArgs,
  subscribe: (args: PayArgs) => EventEmitter = subscribeToPayViaRequest
): Promise<Paid> {
  return new Promise((resolve, reject) => {
    const sub = subscribe(args)
    let settled = false
    const once = (settle: () => void): void => {
      if (settled) return
      settled = true
      settle()
    }
    sub.on('confirmed', (paid: Paid) => once(() => resolve(paid)))
    sub.on('failed', (failed: Failed) => once(() => reject([503, failureName(failed)])))
    // 'on', not 'once': an error after the outcome must still have a listener, or it is thrown.
    sub.on('error', (err: unknown) => once(() => reject(err)))
  })
}
