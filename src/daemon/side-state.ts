import type { Settings } from '../config/types.js'
import { REFUSAL_BACKOFF_MS, retryNotBefore } from '../policy/retry.js'

/**
 * One channel side's request, as a state machine: every change the rebalancer makes to it is one
 * of the transitions below, each a pure function of the state, the event and `now` (the clock is
 * the caller's), tested table-driven in test/daemon/side-state.test.ts.
 *
 *   idle ──reserve──▶ invoicing ──invoiced──▶ asking ──released──▶ awaiting
 *     ▲                  │                      │                     │
 *     │      failed (no invoice), withdrawn  concluded            concluded
 *     └──────────────────┘                      ▼                     ▼
 *                                          concluded(at) ──reserve──▶ invoicing …
 *
 * Beside the phase, a gate: no new request before `until` (the payer refused, or our own request
 * failed), with the reason the status shows.
 */
export type Phase =
  | { kind: 'idle' }
  /** The slot is reserved (synchronously, so a second evaluation cannot start another request) while our invoice is created. */
  | { kind: 'invoicing'; tokens: number }
  /** Our request task owns it: recording it, asking the payer, reading our invoice after the answer. */
  | { kind: 'asking'; paymentHash: string; tokens: number; expiresAt: number }
  /** The payer said pending (or paid before our invoice settled): our invoice's own state decides, at each evaluation. */
  | { kind: 'awaiting'; paymentHash: string; tokens: number; expiresAt: number }
  /** Ended at `at`: balances fetched before it predate the payment, so they are not decided on. */
  | { kind: 'concluded'; at: number }

export interface Gate {
  until: number
  reason: string
  detail: string
  at: number
}

export interface SideState {
  phase: Phase
  gate?: Gate
}

export type SideEvent =
  | { type: 'reserve'; tokens: number }
  | { type: 'invoiced'; paymentHash: string; expiresAt: number }
  /** The request task ended without concluding (the payer said pending or paid, or it failed after asking). */
  | { type: 'released'; paymentHash: string }
  /** Not recorded, so not asked: the invoice was withdrawn. */
  | { type: 'withdrawn'; paymentHash: string }
  | { type: 'concluded'; paymentHash: string }
  /** The payer refused: not before its retryAt, within our bounds (policy/retry.ts). */
  | { type: 'refused'; retryAt: number | undefined; reason: string; detail: string; settings: Settings }
  /** Our own request failed (LND, the audit storage): backing off, since asking again at once would not mend it. */
  | { type: 'failed'; detail: string; settings: Settings }

export const IDLE: SideState = { phase: { kind: 'idle' } }

/** The next state; an event that does not apply to the current phase leaves it as it is. */
export function transition(state: SideState, event: SideEvent, now: number): SideState {
  const p = state.phase
  switch (event.type) {
    case 'reserve':
      return p.kind === 'idle' || p.kind === 'concluded'
        ? { ...state, phase: { kind: 'invoicing', tokens: event.tokens } }
        : state
    case 'invoiced':
      return p.kind === 'invoicing'
        ? {
            ...state,
            phase: { kind: 'asking', paymentHash: event.paymentHash, tokens: p.tokens, expiresAt: event.expiresAt }
          }
        : state
    case 'released':
      return p.kind === 'asking' && p.paymentHash === event.paymentHash
        ? { ...state, phase: { ...p, kind: 'awaiting' } }
        : state
    case 'withdrawn':
      return p.kind === 'asking' && p.paymentHash === event.paymentHash ? { ...state, phase: { kind: 'idle' } } : state
    case 'concluded':
      return (p.kind === 'asking' || p.kind === 'awaiting') && p.paymentHash === event.paymentHash
        ? { ...state, phase: { kind: 'concluded', at: now } }
        : state
    case 'refused':
      return {
        ...state,
        gate: {
          until: retryNotBefore(event.retryAt, now, event.settings),
          reason: event.reason,
          detail: event.detail,
          at: now
        }
      }
    case 'failed': {
      const gate = {
        until: now + Math.max(REFUSAL_BACKOFF_MS, event.settings.minTimeBetweenPayments),
        reason: 'requestError',
        detail: event.detail,
        at: now
      }
      // Before an invoice existed, nothing is in flight; after, the invoice still decides.
      const phase: Phase =
        p.kind === 'invoicing' ? { kind: 'idle' } : p.kind === 'asking' ? { ...p, kind: 'awaiting' } : p
      return { phase, gate }
    }
  }
}

/** The request under way, if any (invoicing has no invoice yet). */
export function inFlight(state: SideState): { tokens: number; paymentHash?: string; expiresAt?: number } | undefined {
  const p = state.phase
  if (p.kind === 'invoicing') return { tokens: p.tokens }
  if (p.kind === 'asking' || p.kind === 'awaiting')
    return { tokens: p.tokens, paymentHash: p.paymentHash, expiresAt: p.expiresAt }
  return undefined
}

/** A request ended at or after `fetchedAt`: balances fetched then predate it. */
export function endedSince(state: SideState, fetchedAt: number): boolean {
  return state.phase.kind === 'concluded' && state.phase.at >= fetchedAt
}

/** The gate in force at `now`, if any: a request decision becomes a wait until it opens. */
export function gateAt(state: SideState, now: number): Gate | undefined {
  return state.gate !== undefined && now < state.gate.until ? state.gate : undefined
}

/** The status's words for a gate. */
export function gateDetail(gate: Gate): string {
  const why =
    gate.reason === 'requestError'
      ? `our request failed (${gate.detail})`
      : `refused by peer: ${gate.reason} (${gate.detail})`
  return `${why}; asking again after ${new Date(gate.until).toISOString().slice(11, 19)}`
}
