import { EventEmitter } from 'node:events'
import type { Route } from './routing.js'

export type PaymentStatus = 'IN_FLIGHT' | 'SUCCEEDED' | 'FAILED'
export type FailureReason =
  | 'FAILURE_REASON_NONE'
  | 'FAILURE_REASON_TIMEOUT'
  | 'FAILURE_REASON_NO_ROUTE'
  | 'FAILURE_REASON_ERROR'
  | 'FAILURE_REASON_INCORRECT_PAYMENT_DETAILS'
  | 'FAILURE_REASON_INSUFFICIENT_BALANCE'
  | 'FAILURE_REASON_CANCELED'

export const FAILURE_REASONS: readonly FailureReason[] = [
  'FAILURE_REASON_NONE',
  'FAILURE_REASON_TIMEOUT',
  'FAILURE_REASON_NO_ROUTE',
  'FAILURE_REASON_ERROR',
  'FAILURE_REASON_INCORRECT_PAYMENT_DETAILS',
  'FAILURE_REASON_INSUFFICIENT_BALANCE',
  'FAILURE_REASON_CANCELED'
]

export interface HtlcAttempt {
  attemptId: number
  status: 'IN_FLIGHT' | 'SUCCEEDED' | 'FAILED'
  route: Route
  attemptTimeNs: string
  resolveTimeNs: string
  /** Index of the hop that failed it (0 = us), and the BOLT4 failure code name. */
  failure?: { code: string; sourceIndex: number }
  preimage: string
}

export interface PaymentRecord {
  paymentHash: string
  paymentRequest: string
  valueMsat: number
  feeMsat: number
  preimage: string
  status: PaymentStatus
  failureReason: FailureReason
  creationTimeNs: string
  paymentIndex: number
  htlcs: HtlcAttempt[]
  /** Destination public key, for the simulator's own ledger of truth. */
  destination: string
}

export const ZERO_PREIMAGE = '0'.repeat(64)

/** Error LND returns from SendPaymentV2 before the stream starts. */
export class PaymentRequestError extends Error {
  constructor(
    readonly grpcCode: number,
    message: string
  ) {
    super(message)
  }
}

/**
 * One node's outgoing payments, keyed by payment hash: LND's control tower. A hash is paid at most
 * once: a SUCCEEDED or IN_FLIGHT payment refuses a new attempt; a FAILED one may be retried.
 * Emits 'update' (PaymentRecord) on every change; TrackPaymentV2 and SendPaymentV2 stream from it.
 */
export class PaymentStore extends EventEmitter {
  private readonly byHash = new Map<string, PaymentRecord>()
  private readonly ordered: PaymentRecord[] = []
  private attemptCounter = 0

  constructor() {
    super()
    this.setMaxListeners(0)
  }

  get(hash: string): PaymentRecord | undefined {
    return this.byHash.get(hash)
  }
  list(): readonly PaymentRecord[] {
    return this.ordered
  }

  /** Registers a new attempt (LND's InitPayment), refusing what LND refuses. */
  init(args: {
    paymentHash: string
    paymentRequest: string
    valueMsat: number
    destination: string
    nowNs: string
  }): PaymentRecord {
    const existing = this.byHash.get(args.paymentHash)
    if (existing?.status === 'SUCCEEDED') throw new PaymentRequestError(6, 'invoice is already paid')
    if (existing?.status === 'IN_FLIGHT') throw new PaymentRequestError(6, 'payment is in transition')
    if (existing) {
      Object.assign(existing, {
        status: 'IN_FLIGHT',
        failureReason: 'FAILURE_REASON_NONE',
        valueMsat: args.valueMsat,
        feeMsat: 0
      })
      this.emit('update', existing)
      return existing
    }
    const record: PaymentRecord = {
      paymentHash: args.paymentHash,
      paymentRequest: args.paymentRequest,
      valueMsat: args.valueMsat,
      feeMsat: 0,
      preimage: ZERO_PREIMAGE,
      status: 'IN_FLIGHT',
      failureReason: 'FAILURE_REASON_NONE',
      creationTimeNs: args.nowNs,
      paymentIndex: this.ordered.length + 1,
      htlcs: [],
      destination: args.destination
    }
    this.byHash.set(args.paymentHash, record)
    this.ordered.push(record)
    this.emit('update', record)
    return record
  }

  addAttempt(record: PaymentRecord, route: Route, nowNs: string): HtlcAttempt {
    const attempt: HtlcAttempt = {
      attemptId: ++this.attemptCounter,
      status: 'IN_FLIGHT',
      route,
      attemptTimeNs: nowNs,
      resolveTimeNs: '0',
      preimage: ZERO_PREIMAGE
    }
    record.htlcs.push(attempt)
    this.emit('update', record)
    return attempt
  }

  succeed(record: PaymentRecord, attempt: HtlcAttempt, preimage: string, nowNs: string): void {
    attempt.status = 'SUCCEEDED'
    attempt.resolveTimeNs = nowNs
    attempt.preimage = preimage
    record.status = 'SUCCEEDED'
    record.preimage = preimage
    record.feeMsat = attempt.route.totalFeesMsat
    this.emit('update', record)
  }

  /** One HTLC attempt failed; the payment itself goes on (another route may be tried). */
  failAttempt(
    record: PaymentRecord,
    attempt: HtlcAttempt,
    failure: NonNullable<HtlcAttempt['failure']>,
    nowNs: string
  ): void {
    attempt.status = 'FAILED'
    attempt.resolveTimeNs = nowNs
    attempt.failure = failure
    this.emit('update', record)
  }

  fail(
    record: PaymentRecord,
    reason: FailureReason,
    nowNs: string,
    attempt?: HtlcAttempt,
    failure?: HtlcAttempt['failure']
  ): void {
    if (attempt) {
      attempt.status = 'FAILED'
      attempt.resolveTimeNs = nowNs
      if (failure) attempt.failure = failure
    }
    record.status = 'FAILED'
    record.failureReason = reason
    this.emit('update', record)
  }
}
