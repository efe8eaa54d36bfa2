import { formatChannelId } from './channel.js'
import type { SimChannel } from './channel.js'
import type { SimNetwork, SimNode } from './network.js'
import { findRoute, type Route } from './routing.js'
import { PaymentRequestError, type FailureReason, type HtlcAttempt, type PaymentRecord } from './payments.js'

export interface SendPaymentArgs {
  paymentRequest: string
  destination: string
  paymentHash: string
  /** The invoice's amount in msat; 0 for a zero-amount invoice. */
  invoiceMsat: number
  expiresAt: number
  finalCltvDelta: number
  /** amt / amt_msat from the request, in msat; 0 when absent. */
  amtMsat: number
  feeLimitMsat: number
  outgoingChanIds: string[]
  lastHopPubkey?: string
  timeoutSeconds: number
  /** LND's cltv_limit after validation: most blocks the whole route may lock the HTLC (0: LND's max). */
  cltvLimit?: number
}

const MAX_ROUTE_ATTEMPTS = 5

/** Go's time.Time default format, which LND's error strings print. */
function goTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' +0000 UTC')
}

export function nowNs(): string {
  return (BigInt(Date.now()) * 1_000_000n).toString()
}

const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()

/**
 * LND's SendPaymentV2: checks the request the way LND does before anything moves (errors thrown
 * as PaymentRequestError), registers the payment with the node's control tower, then routes and
 * executes it in the background. Progress is observed through `source.payments` 'update' events.
 */
export function sendPayment(network: SimNetwork, source: SimNode, args: SendPaymentArgs): PaymentRecord {
  if (Date.now() >= args.expiresAt)
    throw new PaymentRequestError(2, `invoice expired. Valid until ${goTime(args.expiresAt)}`)
  if (args.invoiceMsat > 0 && args.amtMsat > 0)
    throw new PaymentRequestError(2, 'amount must not be specified when paying a non-zero amount invoice')
  if (args.invoiceMsat === 0 && args.amtMsat === 0)
    throw new PaymentRequestError(2, 'amount must be specified when paying a zero amount invoice')
  if (args.timeoutSeconds <= 0) throw new PaymentRequestError(2, 'timeout_seconds must be specified')
  const valueMsat = args.invoiceMsat || args.amtMsat
  const record = source.payments.init({
    paymentHash: args.paymentHash,
    paymentRequest: args.paymentRequest,
    valueMsat,
    destination: args.destination,
    nowNs: nowNs()
  })
  void execute(network, source, record, args, valueMsat).catch((err: unknown) => {
    // A bug in the simulator must not leave the payment hanging: fail it and say why.
    console.error('[sim] payment execution failed:', err)
    if (record.status === 'IN_FLIGHT') conclude(network, source, record, { reason: 'FAILURE_REASON_ERROR' })
  })
  return record
}

async function execute(
  network: SimNetwork,
  source: SimNode,
  record: PaymentRecord,
  args: SendPaymentArgs,
  valueMsat: number
): Promise<void> {
  const deadline = Date.now() + args.timeoutSeconds * 1000
  const dest = network.nodes.get(args.destination)
  const names = (n: SimNode | undefined, key: string): string[] => (n ? [n.alias, n.publicKey] : [key])
  const forced = network.faults.take('fail', names(source, source.publicKey), names(dest, args.destination))
  let lastError: FailureReason = 'FAILURE_REASON_NO_ROUTE'
  for (let attempt = 0; attempt < MAX_ROUTE_ATTEMPTS && Date.now() < deadline; attempt++) {
    const found = findRoute((pub) => network.channelsOf(pub), network.isOnline, {
      source: source.publicKey,
      destination: args.destination,
      amountMsat: valueMsat,
      feeLimitMsat: args.feeLimitMsat,
      finalCltvDelta: args.finalCltvDelta,
      blockHeight: network.blockHeight,
      outgoingChanIds: args.outgoingChanIds,
      ...(args.lastHopPubkey ? { lastHopPubkey: args.lastHopPubkey } : {}),
      ...(args.cltvLimit ? { cltvLimit: args.cltvLimit } : {})
    })
    if ('error' in found) {
      lastError = found.error
      break
    }
    const htlcAttempt = source.payments.addAttempt(record, found.route, nowNs())
    const locked = await lockHtlcs(network, source, found.route, args.paymentHash)
    if (!locked.ok) {
      // A hop's balance changed since the route was found (concurrent payments): retry another.
      await unwind(network, source, locked.added, 'fail')
      source.payments.failAttempt(
        record,
        htlcAttempt,
        { code: 'TEMPORARY_CHANNEL_FAILURE', sourceIndex: locked.added.length },
        nowNs()
      )
      lastError = 'FAILURE_REASON_NO_ROUTE'
      continue
    }
    await finish(
      network,
      source,
      record,
      htlcAttempt,
      found.route,
      locked.added,
      args,
      forced?.kind === 'fail' ? forced.reason : undefined
    )
    return
  }
  conclude(network, source, record, { reason: Date.now() >= deadline ? 'FAILURE_REASON_TIMEOUT' : lastError })
}

export interface SendToRouteArgs {
  paymentHash: string
  paymentRequest: string
  destination: string
  route: Route
  /** The payment_secret the onion carries to the payee (hex); the payee requires its invoice's. */
  paymentSecret?: string
}

/**
 * What a payee checks of a route its sender built (BOLT 4 final node): the payment secret is its
 * invoice's, and the HTLC expires no sooner than the invoice's final CLTV delta from now.
 */
export function payeeRefuses(
  invoice: { paymentAddr: string; cltvExpiry: number },
  htlcExpiry: number,
  blockHeight: number,
  paymentSecret: string | undefined
): boolean {
  return paymentSecret !== invoice.paymentAddr || htlcExpiry < blockHeight + invoice.cltvExpiry
}

/**
 * One attempt over a route the caller built (CLN's sendpay): the first hop's channel is the one
 * named, no other route is tried, fees are what the route says. The payment is registered with
 * the node's store (which refuses a hash in flight or paid) and resolves in the background, with
 * the same faults, holds and ground truth as sendPayment. `done` settles when it is final.
 */
export function sendToRoute(
  network: SimNetwork,
  source: SimNode,
  args: SendToRouteArgs
): { record: PaymentRecord; done: Promise<void> } {
  const last = args.route.hops[args.route.hops.length - 1]
  if (!last) throw new PaymentRequestError(2, 'empty route')
  const record = source.payments.init({
    paymentHash: args.paymentHash,
    paymentRequest: args.paymentRequest,
    valueMsat: last.amtToForwardMsat,
    destination: args.destination,
    nowNs: nowNs()
  })
  const done = (async () => {
    const dest = network.nodes.get(args.destination)
    const forced = network.faults.take(
      'fail',
      [source.alias, source.publicKey],
      dest ? [dest.alias, dest.publicKey] : [args.destination]
    )
    const attempt = source.payments.addAttempt(record, args.route, nowNs())
    const locked = await lockHtlcs(network, source, args.route, args.paymentHash)
    if (!locked.ok || !dest) {
      await unwind(network, source, locked.added, 'fail')
      conclude(network, source, record, {
        reason: 'FAILURE_REASON_ERROR',
        attempt,
        failure: { code: 'TEMPORARY_CHANNEL_FAILURE', sourceIndex: locked.added.length }
      })
      return
    }
    await finish(
      network,
      source,
      record,
      attempt,
      args.route,
      locked.added,
      args,
      forced?.kind === 'fail' ? forced.reason : undefined,
      { paymentSecret: args.paymentSecret }
    )
  })().catch((err: unknown) => {
    console.error('[sim] payment execution failed:', err)
    if (record.status === 'IN_FLIGHT') conclude(network, source, record, { reason: 'FAILURE_REASON_ERROR' })
  })
  return { record, done }
}

/** Marks the payment final in the node's store and in the network's ground truth. */
function conclude(
  network: SimNetwork,
  source: SimNode,
  record: PaymentRecord,
  outcome:
    | { preimage: string; attempt: HtlcAttempt }
    | { reason: FailureReason; attempt?: HtlcAttempt; failure?: HtlcAttempt['failure'] }
): void {
  const attempt = outcome.attempt
  const succeeded = 'preimage' in outcome
  // Ground truth first: whoever reacts to the store's update can already read it.
  network.recordPayment({
    at: Date.now(),
    from: source.alias,
    to: network.nodes.get(record.destination)?.alias ?? record.destination,
    paymentHash: record.paymentHash,
    amountMsat: record.valueMsat,
    feeMsat: succeeded ? outcome.attempt.route.totalFeesMsat : 0,
    chanIds: attempt ? attempt.route.hops.map((h) => formatChannelId(h.chanId)) : [],
    status: succeeded ? 'SUCCEEDED' : 'FAILED',
    ...(succeeded ? {} : { failureReason: outcome.reason })
  })
  if (succeeded) source.payments.succeed(record, outcome.attempt, outcome.preimage, nowNs())
  else source.payments.fail(record, outcome.reason, nowNs(), attempt, outcome.failure)
}

interface Locked {
  channel: SimChannel
  htlcIndex: number
  sender: string
}

/** Adds the HTLC on every hop in order, as the onion travels; stops at the first hop that refuses. */
async function lockHtlcs(
  network: SimNetwork,
  source: SimNode,
  route: Route,
  paymentHash: string
): Promise<{ ok: boolean; added: Locked[] }> {
  const added: Locked[] = []
  let sender = source.publicKey
  for (const hop of route.hops) {
    await sleep(network.faults.hopLatencyMs)
    const channel = network.channels.get(hop.chanId)
    // A route given by the caller (sendpay) may name a channel that does not lead to the hop's node.
    if (!channel || !channel.nodes.includes(sender) || channel.peerOf(sender) !== hop.pubKey)
      return { ok: false, added }
    try {
      const htlc = channel.addHtlc(channel.sideOf(sender), hop.htlcAmountMsat, paymentHash, hop.htlcExpiry)
      added.push({ channel, htlcIndex: htlc.index, sender })
    } catch {
      return { ok: false, added }
    }
    const i = added.length - 1
    const prev = added[i - 1]
    network.emitHtlc(sender, {
      eventType: prev ? 'FORWARD' : 'SEND',
      kind: 'forward',
      incomingChanId: prev ? prev.channel.chanId : '0',
      outgoingChanId: channel.chanId,
      incomingHtlcId: prev ? prev.htlcIndex : 0,
      outgoingHtlcId: (added[i] as Locked).htlcIndex,
      timestampNs: nowNs(),
      info: {
        incomingTimelock: prev ? (route.hops[i - 1]?.htlcExpiry ?? 0) : 0,
        outgoingTimelock: hop.htlcExpiry,
        incomingAmtMsat: prev ? (route.hops[i - 1]?.htlcAmountMsat ?? 0) : 0,
        outgoingAmtMsat: hop.htlcAmountMsat
      }
    })
    sender = hop.pubKey
  }
  return { ok: true, added }
}

async function finish(
  network: SimNetwork,
  source: SimNode,
  record: PaymentRecord,
  attempt: HtlcAttempt,
  route: Route,
  added: Locked[],
  args: Pick<SendPaymentArgs, 'destination' | 'paymentHash'>,
  forcedReason?: FailureReason,
  /** For a sender-built route (sendToRoute): the payee checks its secret and final expiry. */
  payeeChecks?: { paymentSecret: string | undefined }
): Promise<void> {
  const dest = network.node(args.destination)
  const last = route.hops[route.hops.length - 1]
  const lastLocked = added[added.length - 1]
  if (!last || !lastLocked) throw new Error('empty route')
  const hold = network.faults.take('hold', [source.alias, source.publicKey], [dest.alias, dest.publicKey])
  // Held at the destination, as a hold invoice would: the HTLCs stay IN_FLIGHT on every hop
  // (both ends list them in pending_htlcs) until the payee settles or fails them back.
  const heldOutcome = hold
    ? await network.faults.hold({ paymentHash: args.paymentHash, from: source.alias, to: dest.alias }).released
    : undefined
  if (heldOutcome === 'fail') {
    await unwind(network, source, added, 'fail')
    conclude(network, source, record, {
      reason: 'FAILURE_REASON_INCORRECT_PAYMENT_DETAILS',
      attempt,
      failure: { code: 'INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS', sourceIndex: route.hops.length }
    })
    return
  }
  if (forcedReason) {
    await unwind(network, source, added, 'fail')
    conclude(network, source, record, {
      reason: forcedReason,
      attempt,
      failure: { code: 'TEMPORARY_CHANNEL_FAILURE', sourceIndex: 1 }
    })
    return
  }
  const accepted = dest.online
    ? dest.invoices.canAccept(args.paymentHash, last.amtToForwardMsat, Date.now())
    : undefined
  const invoice =
    accepted && payeeChecks && payeeRefuses(accepted, last.htlcExpiry, network.blockHeight, payeeChecks.paymentSecret)
      ? undefined
      : accepted
  if (!invoice) {
    await unwind(network, source, added, 'fail')
    conclude(network, source, record, {
      reason: 'FAILURE_REASON_INCORRECT_PAYMENT_DETAILS',
      attempt,
      failure: { code: 'INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS', sourceIndex: route.hops.length }
    })
    return
  }
  dest.invoices.settle(
    invoice,
    {
      chanId: lastLocked.channel.chanId,
      htlcIndex: lastLocked.htlcIndex,
      amtMsat: last.amtToForwardMsat,
      acceptHeight: network.blockHeight,
      acceptTime: Math.floor(Date.now() / 1000),
      expiryHeight: last.htlcExpiry
    },
    Date.now()
  )
  network.emitHtlc(dest.publicKey, {
    eventType: 'RECEIVE',
    kind: 'settle',
    incomingChanId: lastLocked.channel.chanId,
    outgoingChanId: '0',
    incomingHtlcId: lastLocked.htlcIndex,
    outgoingHtlcId: 0,
    timestampNs: nowNs(),
    preimage: invoice.preimage
  })
  network.emitHtlc(dest.publicKey, {
    eventType: 'RECEIVE',
    kind: 'final',
    incomingChanId: lastLocked.channel.chanId,
    outgoingChanId: '0',
    incomingHtlcId: lastLocked.htlcIndex,
    outgoingHtlcId: 0,
    timestampNs: nowNs(),
    settled: true
  })
  await unwind(network, source, added, 'settle', invoice.preimage)
  conclude(network, source, record, { preimage: invoice.preimage, attempt })
}

/** Resolves the locked HTLCs backwards from the destination: settled with the preimage, or failed. */
async function unwind(
  network: SimNetwork,
  source: SimNode,
  added: Locked[],
  how: 'settle' | 'fail',
  preimage?: string
): Promise<void> {
  for (let i = added.length - 1; i >= 0; i--) {
    await sleep(network.faults.hopLatencyMs)
    const l = added[i] as Locked
    if (how === 'settle') l.channel.settleHtlc(l.htlcIndex)
    else l.channel.failHtlc(l.htlcIndex)
    const prev = added[i - 1]
    network.emitHtlc(l.sender, {
      eventType: l.sender === source.publicKey ? 'SEND' : 'FORWARD',
      kind: how === 'settle' ? 'settle' : 'forward_fail',
      incomingChanId: prev ? prev.channel.chanId : '0',
      outgoingChanId: l.channel.chanId,
      incomingHtlcId: prev ? prev.htlcIndex : 0,
      outgoingHtlcId: l.htlcIndex,
      timestampNs: nowNs(),
      ...(preimage ? { preimage } : {})
    })
  }
}
