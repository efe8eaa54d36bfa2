import { secp256k1 } from '@noble/curves/secp256k1.js'
import { decodeInvoice, invoiceSignature } from '../crypto/bolt11.js'
import { InvoiceError, type SimInvoice } from '../model/invoices.js'
import type { Method, MethodContext } from './server.js'
import { hex32, optStr, optU64, parseMsat, str, type Params } from './params.js'
import { invalidParam, rpcError } from './errors.js'

/** CLN's defaults: a week of expiry; the final CLTV is `cltv-final`, 10 on regtest. */
const DEFAULT_EXPIRY = 604800
const DEFAULT_CLTV = 10

type Status = 'unpaid' | 'paid' | 'expired'

function statusOf(inv: SimInvoice, now = Date.now()): Status {
  if (inv.state === 'SETTLED') return 'paid'
  if (inv.state === 'CANCELED' || now >= (inv.creationDate + inv.expiry) * 1000) return 'expired'
  return 'unpaid'
}

/** One listinvoices entry. */
export function invoiceEntry(ctx: MethodContext, inv: SimInvoice): Record<string, unknown> {
  const status = statusOf(inv)
  const updated = ctx.state.updatedIndexOf.get(inv.paymentHash)
  return {
    label: ctx.state.labelOf(inv),
    bolt11: inv.paymentRequest,
    payment_hash: inv.paymentHash,
    status,
    ...(inv.valueMsat > 0 ? { amount_msat: inv.valueMsat } : {}),
    description: inv.memo,
    expires_at: inv.creationDate + inv.expiry,
    created_index: inv.addIndex,
    ...(updated !== undefined ? { updated_index: updated } : {}),
    ...(status === 'paid'
      ? {
          pay_index: inv.settleIndex,
          amount_received_msat: inv.amtPaidMsat,
          paid_at: inv.settleDate,
          payment_preimage: inv.preimage
        }
      : {})
  }
}

const label = (p: Params): string => {
  const v = p.label
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v)
  if (typeof v !== 'string' || v === '') throw invalidParam('label', 'a string or number', v)
  return v
}

const invoice: Method = (p, ctx) => {
  const amount = p.amount_msat === 'any' ? 0 : parseMsat('amount_msat', p.amount_msat)
  const lbl = label(p)
  const description = str(p, 'description')
  const expiry = optU64(p, 'expiry') ?? DEFAULT_EXPIRY
  const cltv = optU64(p, 'cltv') || DEFAULT_CLTV
  const preimage = p.preimage === undefined ? undefined : hex32(p, 'preimage')
  if (ctx.state.hashByLabel.has(lbl)) throw rpcError(900, `Duplicate label '${lbl}'`)
  let inv: SimInvoice
  try {
    inv = ctx.node.invoices.add({
      valueMsat: amount,
      memo: description,
      expiry: expiry || 1,
      cltvExpiry: cltv,
      minCltvExpiry: 1,
      ...(preimage ? { preimage } : {}),
      now: Date.now()
    })
  } catch (err) {
    if (err instanceof InvoiceError && /already exists/.test(err.message)) throw rpcError(901, 'preimage already used')
    throw invalidParam('cltv', 'a CLTV delta from 1 to 65535', p.cltv)
  }
  ctx.state.labelByHash.set(inv.paymentHash, lbl)
  ctx.state.hashByLabel.set(lbl, inv.paymentHash)
  return {
    payment_hash: inv.paymentHash,
    expires_at: inv.creationDate + inv.expiry,
    bolt11: inv.paymentRequest,
    payment_secret: inv.paymentAddr,
    created_index: inv.addIndex
  }
}

const listinvoices: Method = (p, ctx) => {
  const all = ctx.node.invoices.list().filter((i) => !ctx.state.deleted.has(i.paymentHash))
  let found: readonly SimInvoice[] = all
  if (p.label !== undefined) found = all.filter((i) => ctx.state.labelOf(i) === label(p))
  else if (p.payment_hash !== undefined) {
    const h = hex32(p, 'payment_hash')
    found = all.filter((i) => i.paymentHash === h)
  } else if (p.invstring !== undefined) {
    const s = str(p, 'invstring')
    found = all.filter((i) => i.paymentRequest === s)
  } else if (p.index !== undefined) {
    const index = str(p, 'index')
    if (index !== 'created' && index !== 'updated') throw invalidParam('index', "'created' or 'updated'", p.index)
    const start = optU64(p, 'start') ?? 0
    const limit = optU64(p, 'limit') ?? Number.MAX_SAFE_INTEGER
    const key = (i: SimInvoice): number | undefined =>
      index === 'created' ? i.addIndex : ctx.state.updatedIndexOf.get(i.paymentHash)
    found = all
      .filter((i) => (key(i) ?? -1) >= start)
      .sort((a, b) => (key(a) as number) - (key(b) as number))
      .slice(0, limit)
  }
  return { invoices: found.map((i) => invoiceEntry(ctx, i)) }
}

/** CLN has no cancel: deleting an unpaid invoice is how it is withdrawn; its HTLCs then fail. */
const delinvoice: Method = (p, ctx) => {
  const lbl = label(p)
  const expected = str(p, 'status')
  if (!['paid', 'expired', 'unpaid'].includes(expected))
    throw invalidParam('status', "'paid', 'expired' or 'unpaid'", expected)
  const hash = ctx.state.hashByLabel.get(lbl)
  const inv = hash === undefined || ctx.state.deleted.has(hash) ? undefined : ctx.node.invoices.get(hash)
  if (!inv) throw rpcError(905, 'Unknown invoice')
  const current = statusOf(inv)
  if (current !== expected)
    throw rpcError(906, `Invoice status is ${current} not ${expected}`, {
      current_status: current,
      expected_status: expected
    })
  const entry = invoiceEntry(ctx, inv)
  ctx.state.deleted.add(inv.paymentHash)
  ctx.state.hashByLabel.delete(lbl)
  ctx.node.invoices.cancel(inv)
  ctx.state.bump('invoices', 'deleted', {
    status: current,
    label: lbl,
    description: inv.memo,
    bolt11: inv.paymentRequest
  })
  return entry
}

/** The BOLT11 signature as CLN prints it: DER hex of r||s (the recovery id left out). */
const signatureHex = (bolt11: string): string =>
  secp256k1.Signature.fromBytes(invoiceSignature(bolt11).subarray(0, 64), 'compact').toHex('der')

const FEATURE_HEX = (bits: number[]): string => {
  let n = 0n
  for (const b of bits) n |= 1n << BigInt(b)
  const hex = n.toString(16)
  return hex.length % 2 ? `0${hex}` : hex
}

const decode: Method = (p) => {
  const raw = str(p, 'string').trim()
  const text = raw.toLowerCase().startsWith('lightning:') ? raw.slice(10) : raw
  let d: ReturnType<typeof decodeInvoice>
  try {
    d = decodeInvoice(text)
  } catch (err) {
    throw rpcError(-32602, `string: Unparsable invoice: ${(err as Error).message}`)
  }
  return {
    type: 'bolt11 invoice',
    valid: true,
    currency: 'bcrt',
    created_at: Math.floor(d.createdAt.getTime() / 1000),
    expiry: d.expirySeconds,
    payee: d.destination,
    ...(d.mtokens !== '0' ? { amount_msat: Number(d.mtokens) } : {}),
    payment_hash: d.paymentHash,
    signature: signatureHex(text),
    ...(d.descriptionHash !== undefined
      ? { description_hash: d.descriptionHash }
      : { description: d.description ?? '' }),
    min_final_cltv_expiry: d.cltvDelta,
    ...(d.paymentAddr ? { payment_secret: d.paymentAddr } : {}),
    features: FEATURE_HEX(d.features)
  }
}

/** The next invoice paid after lastpay_index; 904 when `timeout` seconds pass first. */
const waitanyinvoice: Method = async (p, ctx) => {
  const after = optU64(p, 'lastpay_index') ?? 0
  const timeout = optU64(p, 'timeout')
  const next = (): SimInvoice | undefined =>
    ctx.node.invoices
      .list()
      .filter((i) => i.state === 'SETTLED' && i.settleIndex > after && !ctx.state.deleted.has(i.paymentHash))
      .sort((a, b) => a.settleIndex - b.settleIndex)[0]
  const inv = await waitFor(ctx, ctx.node.invoices, 'update', next, timeout)
  if (!inv) throw rpcError(904, 'Timed out while waiting for invoice to be paid')
  return invoiceEntry(ctx, inv)
}

/**
 * Resolves with `probe()` once it is defined (checked now and on each `event`), or undefined when
 * `timeoutS` passes; never while the request is open otherwise (no server timeout, as CLN).
 */
export function waitFor<T>(
  ctx: MethodContext,
  emitter: NodeJS.EventEmitter,
  event: string,
  probe: () => T | undefined,
  timeoutS?: number
): Promise<T | undefined> {
  const now = probe()
  if (now !== undefined || timeoutS === 0 || ctx.signal.aborted) return Promise.resolve(now)
  return new Promise((resolve) => {
    const done = (v: T | undefined): void => {
      emitter.off(event, check)
      ctx.signal.removeEventListener('abort', aborted)
      if (timer) clearTimeout(timer)
      resolve(v)
    }
    const check = (): void => {
      const v = probe()
      if (v !== undefined) done(v)
    }
    // The client or the server went away: stop listening; nobody reads the answer.
    const aborted = (): void => done(undefined)
    const timer = timeoutS !== undefined ? setTimeout(() => done(undefined), timeoutS * 1000) : undefined
    emitter.on(event, check)
    ctx.signal.addEventListener('abort', aborted)
  })
}

export const invoiceMethods: Record<string, Method> = { invoice, listinvoices, delinvoice, decode, waitanyinvoice }
