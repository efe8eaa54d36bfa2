import { lastPaymentAt, pendingPayments, priorAttempt } from './history.js'
import { periodUsage, periodWindow } from './limits.js'
import { checkPeriodLimits } from './period-limits.js'
import { checkNetOutflow, netUsage } from './net-cap.js'
import { refuse, type PayCheck } from './payer-types.js'

function keyOf(input: Parameters<PayCheck>[0]): { channelId: string; localPublicKey: string } {
  return { channelId: input.channel.id, localPublicKey: input.channel.localPublicKey }
}

/** One invoice is paid at most once, whichever channel or node it is presented to. */
export const notPaidBefore: PayCheck = ({ invoice, records }) => {
  const prior = priorAttempt(records, invoice.paymentHash)
  if (prior === undefined) return undefined
  return refuse(
    'duplicatePayment',
    `payment hash ${invoice.paymentHash} was already attempted (${prior.status} at ` +
      `${new Date(prior.at).toISOString()} on channel ${prior.channelId})`
  )
}

/** At most one payment in flight per channel: the balances we checked assume no other. */
export const nothingPending: PayCheck = (input) => {
  const pending = pendingPayments(input.records, keyOf(input))
  const first = pending[0]
  if (first === undefined) return undefined
  return refuse(
    'paymentPending',
    `${pending.length} payment(s) on channel ${input.channel.id} still pending ` +
      `(e.g. ${first.paymentHash ?? 'without hash'} since ${new Date(first.at).toISOString()})`
  )
}

export const minTimeElapsed: PayCheck = (input) => {
  const last = lastPaymentAt(input.records, keyOf(input))
  if (last === undefined) return undefined
  const retryAt = last + input.settings.minTimeBetweenPayments
  if (input.now >= retryAt) return undefined
  return refuse(
    'minTimeBetweenPayments',
    `last payment on channel ${input.channel.id} at ` +
      `${new Date(last).toISOString()}; minTimeBetweenPayments is ${input.settings.minTimeBetweenPayments} ms`,
    retryAt
  )
}

export const withinPeriodLimits: PayCheck = (input) => {
  const window = periodWindow(input.settings, input.now)
  const usage = periodUsage(input.records, keyOf(input), window)
  return checkPeriodLimits(usage, input.invoice.tokens ?? 0, input.settings, window)
}

/** Across operators: what we paid this counterparty minus what it paid us stays within the cap. */
export const withinNetOutflowCap: PayCheck = (input) => {
  const cap = input.settings.maxNetOutflowPerPeriod
  if (input.counterparty === undefined || cap === undefined) return undefined
  const window = periodWindow(input.settings, input.now)
  return checkNetOutflow(
    netUsage(input.records, input.counterparty, window),
    input.invoice.tokens ?? 0,
    cap,
    input.settings,
    window
  )
}
