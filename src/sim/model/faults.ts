import type { FailureReason } from './payments.js'

export interface FaultMatch {
  /** Sender alias or public key; any when absent. */
  from?: string
  /** Destination alias or public key; any when absent. */
  to?: string
  /** How many payments the rule applies to; it is removed once used up. Default 1. */
  count?: number
}

export type FaultRuleInput = (FaultMatch & { kind: 'fail'; reason: FailureReason }) | (FaultMatch & { kind: 'hold' })

export type FaultRule = FaultRuleInput & { id: string }

/** How a held payment ends: the payee settles it, or fails it back (a hold invoice cancelled). */
export type HoldOutcome = 'settle' | 'fail'

export interface HeldPayment {
  id: string
  paymentHash: string
  from: string
  to: string
  heldAt: number
}

/**
 * Injected faults: per-node (optionally per-method) RPC latency, per-hop HTLC latency, payments forced to fail with a chosen
 * reason, and HTLCs held IN_FLIGHT at the destination until released.
 */
export class Faults {
  hopLatencyMs = 0
  /** Per node (alias), for all of its RPCs. */
  readonly rpcLatencyMs = new Map<string, number>()
  /** Per node and method (`alias method`, e.g. `A VerifyMessage`); wins over the node's latency. */
  readonly methodLatencyMs = new Map<string, number>()
  private rules: FaultRule[] = []
  private readonly held = new Map<string, { info: HeldPayment; release: (how: HoldOutcome) => void }>()
  private counter = 0

  addRule(rule: FaultRuleInput): FaultRule {
    const full = { ...rule, id: `fault-${++this.counter}` } as FaultRule
    this.rules.push(full)
    return full
  }

  listRules(): readonly FaultRule[] {
    return this.rules
  }

  clear(): void {
    this.rules = []
    this.hopLatencyMs = 0
    this.rpcLatencyMs.clear()
    this.methodLatencyMs.clear()
  }

  /** The latency to inject before a node answers an RPC; `method` is the gRPC method's name. */
  rpcLatency(alias: string, method: string): number {
    return this.methodLatencyMs.get(`${alias} ${method}`) ?? this.rpcLatencyMs.get(alias) ?? 0
  }

  /** The first rule of a kind matching a payment, consumed by one use. */
  take(kind: FaultRule['kind'], from: string[], to: string[]): FaultRule | undefined {
    const rule = this.rules.find(
      (r) => r.kind === kind && (!r.from || from.includes(r.from)) && (!r.to || to.includes(r.to))
    )
    if (!rule) return undefined
    const left = (rule.count ?? 1) - 1
    if (left <= 0) this.rules = this.rules.filter((r) => r !== rule)
    else rule.count = left
    return rule
  }

  hold(info: Omit<HeldPayment, 'id' | 'heldAt'>): { id: string; released: Promise<HoldOutcome> } {
    const id = `held-${++this.counter}`
    let release!: (how: HoldOutcome) => void
    const released = new Promise<HoldOutcome>((resolve) => {
      release = resolve
    })
    this.held.set(id, { info: { ...info, id, heldAt: Date.now() }, release })
    return { id, released }
  }

  listHeld(): HeldPayment[] {
    return [...this.held.values()].map((h) => h.info)
  }

  /** Lets a held payment go on: 'settle' (default) as if never held, 'fail' failed back by the payee. */
  release(id: string, how: HoldOutcome = 'settle'): boolean {
    const h = this.held.get(id)
    if (!h) return false
    this.held.delete(id)
    h.release(how)
    return true
  }

  releaseAll(how: HoldOutcome = 'settle'): number {
    const ids = [...this.held.keys()]
    for (const id of ids) this.release(id, how)
    return ids.length
  }
}
