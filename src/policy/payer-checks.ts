import { aboveLocalReserve, channelActive, keepsBalancePoint, withinMaxTransactionSize } from './channel-checks.js'
import {
  invoiceCltvWithinLimit,
  invoiceForPartner,
  invoiceHasAmount,
  invoiceMatchesRequest,
  invoiceNetwork,
  invoiceNotExpired,
  invoiceWellFormed
} from './invoice-checks.js'
import {
  minTimeElapsed,
  notPaidBefore,
  nothingPending,
  withinNetOutflowCap,
  withinPeriodLimits
} from './ledger-checks.js'
import { refuse, type PayCheck, type PayCheckResult, type PayRequestInput } from './payer-types.js'
import { settingsProblem } from './settings-check.js'

export * from './payer-types.js'
export { MIN_INVOICE_VALIDITY_MS } from './invoice-checks.js'

const settingsUsable: PayCheck = ({ settings }) => {
  const problem = settingsProblem(settings)
  return problem === undefined ? undefined : refuse('invalidSettings', problem)
}

/**
 * The order of the checks, first failure wins. Cheap and structural first, ledger scans last:
 * 1. our settings are usable;
 * 2. the invoice alone: well formed, our network, fixes an amount;
 * 3. the invoice against the request and the channel: same amount, pays our partner;
 * 4. the invoice against the clock: still valid for MIN_INVOICE_VALIDITY_MS; and against our
 *    cltvLimit: its final CLTV delta fits;
 * 5. our per-payment setting: maxTransactionSize;
 * 6. our view of the channel: active, reserve kept, balance point kept;
 * 7. our ledger: hash never attempted, nothing pending, minTimeBetweenPayments, then the count
 *    and amount limits for the period, then (a cross-operator request) the net outflow cap.
 * Timing refusals come last so that their retryAt is only offered when nothing permanent is wrong.
 */
export const PAY_CHECKS: ReadonlyArray<readonly [string, PayCheck]> = [
  ['settingsUsable', settingsUsable],
  ['invoiceWellFormed', invoiceWellFormed],
  ['invoiceNetwork', invoiceNetwork],
  ['invoiceHasAmount', invoiceHasAmount],
  ['invoiceMatchesRequest', invoiceMatchesRequest],
  ['invoiceForPartner', invoiceForPartner],
  ['invoiceNotExpired', invoiceNotExpired],
  ['invoiceCltvWithinLimit', invoiceCltvWithinLimit],
  ['withinMaxTransactionSize', withinMaxTransactionSize],
  ['channelActive', channelActive],
  ['aboveLocalReserve', aboveLocalReserve],
  ['keepsBalancePoint', keepsBalancePoint],
  ['notPaidBefore', notPaidBefore],
  ['nothingPending', nothingPending],
  ['minTimeElapsed', minTimeElapsed],
  ['withinPeriodLimits', withinPeriodLimits],
  ['withinNetOutflowCap', withinNetOutflowCap]
]

/**
 * Everything the payer verifies, from its own view only, before paying an invoice a peer sent.
 * Nothing in the request is trusted beyond what is checked here: the amount is the invoice's,
 * the destination must be the channel partner, and the balances, limits and history are ours.
 */
export function checkPayRequest(input: PayRequestInput): PayCheckResult {
  for (const [, check] of PAY_CHECKS) {
    const refusal = check(input)
    if (refusal !== undefined) return refusal
  }
  return { ok: true }
}
