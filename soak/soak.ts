import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { DemoCluster } from '../src/demo/demo-cluster.js'
import { AuditLog } from '../src/ledger/audit-log.js'
import type { PaymentTruth } from '../src/sim/model/network.js'
import type { FailureReason } from '../src/sim/model/payments.js'
import { eventLine, parseEventLine } from '../src/daemon/log-line.js'
import { watchBalancePoint } from './balance-point.js'
import { clusterOf, soakScenario } from './scenario.js'

/**
 * The soak: two operators with five nodes each, in their own processes, random traffic and random
 * faults for N minutes, invariants checked continuously. Prints a JSON summary; exits 1 on any
 * violation. Usage: npm run soak -- --minutes N [--seed S] [--cln | --scenario FILE]
 * --cln puts every other generated node on Core Lightning; --scenario runs a scenario file instead
 * (its nodes with an operator are the cluster), e.g. scenarios/mixed.json, where E-B is opened a
 * quarter of the way in as in the demo (soak/scenario.ts).
 */
const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    seed: { type: 'string' },
    cln: { type: 'boolean' },
    scenario: { type: 'string' }
  }
})
const minutes = Number(values.minutes ?? 1)
const seed = Number(values.seed ?? 7)
if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error('--minutes: expected a number of minutes above 0')

const SETTINGS = {
  maxTransactionSize: 400_000,
  minTimeBetweenPayments: '1s',
  limitsPeriod: '10m',
  useRollingLimitsPeriod: true,
  maxTransactionsPerPeriod: 40,
  maxAmountPerPeriod: 8_000_000,
  balancePoint: 0.5,
  deadzone: 0.1,
  refreshRate: 5
}
const PERIOD_MS = 10 * 60_000

const scenario = soakScenario({
  cln: values.cln === true,
  ...(values.scenario !== undefined ? { file: values.scenario } : {})
})
const { ours, operators, implementationOf } = clusterOf(scenario)
const isOurs = (alias: string): boolean => ours.has(alias)

let state = seed >>> 0
const random = (): number => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0
  return state / 4294967296
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const rssMb = (pid: number | undefined): number => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024
  } catch {
    return NaN
  }
}

const violations: string[] = []
const violate = (v: string): void => {
  if (violations.length < 100) violations.push(v)
  console.error(`VIOLATION ${v}`)
}
const faults: Record<string, number> = {}
const count = (k: string): void => {
  faults[k] = (faults[k] ?? 0) + 1
}

const demo = await DemoCluster.start({
  scenario,
  seed,
  settings: SETTINGS,
  onProgress: (l) => console.error(l)
})
const rssStart = Object.fromEntries([...demo.operators].map(([n, op]) => [n, rssMb(op.pid)]))
const balancePoint = watchBalancePoint(demo.sim.network, {
  balancePoint: SETTINGS.balancePoint,
  payers: isOurs,
  violate
})
const started = Date.now()
const end = started + minutes * 60_000
const checked = new Set<string>()

/** Every rebalance so far: zero fee, its own direct channel only, within the payer's limits. */
function checkInvariants(): void {
  const byChannel = new Map<string, PaymentTruth[]>()
  for (const r of demo.sim.network.paymentLog) {
    if (r.status !== 'SUCCEEDED' || demo.traffic.hashes.has(r.paymentHash)) continue
    const channel = demo.sim.channelBetween(r.from, r.to)
    if (!channel) continue
    const key = `${r.from}>${channel.id}`
    byChannel.set(key, [...(byChannel.get(key) ?? []), r])
    if (checked.has(r.paymentHash)) continue
    checked.add(r.paymentHash)
    if (r.feeMsat !== 0) violate(`fee ${r.feeMsat} msat paid by ${r.from} -> ${r.to}`)
    if (r.chanIds.length !== 1 || r.chanIds[0] !== channel.id)
      violate(`payment ${r.from} -> ${r.to} used ${r.chanIds.join(',')} instead of ${channel.id}`)
    if (r.amountMsat > SETTINGS.maxTransactionSize * 1000)
      violate(`payment of ${r.amountMsat / 1000} sat over maxTransactionSize`)
  }
  for (const [key, payments] of byChannel) {
    const sorted = payments.map((p) => p.at).sort((a, b) => a - b)
    for (let i = 0; i < sorted.length; i++) {
      const inWindow = sorted.filter((t) => t > (sorted[i] as number) - PERIOD_MS && t <= (sorted[i] as number)).length
      if (inWindow > SETTINGS.maxTransactionsPerPeriod) {
        violate(`${key}: ${inWindow} payments within one period`)
        break
      }
    }
  }
}

/** One random fault, undone after a few seconds. */
async function fault(): Promise<void> {
  const cluster = [...ours]
  const kind = pick(['offline', 'hold', 'fail', 'latency', 'crash', 'restart'] as const)
  count(kind)
  switch (kind) {
    case 'offline': {
      const n = pick(cluster)
      await demo.sim.setOnline(n, false)
      await sleep(2000 + random() * 5000)
      await demo.sim.setOnline(n, true)
      break
    }
    // The next payment (traffic through our nodes, or a rebalance) is held, then settled or failed
    // back: a held HTLC must not let a payer be drawn below its balance point.
    case 'hold': {
      demo.sim.addFault({ type: 'hold' })
      await sleep(3000 + random() * 5000)
      const how = random() < 0.5 ? 'settle' : 'fail'
      if (demo.sim.network.faults.releaseAll(how) > 0) count(`hold:${how}`)
      break
    }
    case 'fail':
      demo.sim.addFault({
        type: 'fail',
        reason: pick<FailureReason>(['FAILURE_REASON_NO_ROUTE', 'FAILURE_REASON_TIMEOUT', 'FAILURE_REASON_ERROR'])
      })
      break
    case 'latency': {
      const n = pick(cluster)
      demo.sim.addFault({ type: 'latency', node: n, ms: 300 })
      await sleep(5000)
      demo.sim.addFault({ type: 'latency', node: n, ms: 0 })
      break
    }
    case 'crash':
      await demo.restartOperator(pick(operators), true)
      break
    case 'restart':
      await demo.restartOperator(pick(operators), false)
      break
  }
}

demo.traffic.start()
const checker = setInterval(checkInvariants, 2000)
let lateOpened = false
try {
  while (Date.now() < end - 20_000) {
    await sleep(5000 + random() * 10_000)
    if (Date.now() >= end - 20_000) break
    // A channel opened at runtime must be picked up (only where the scenario has E and B).
    if (!lateOpened && Date.now() >= started + (end - started) / 4) {
      lateOpened = true
      if (demo.openLateChannel()) count('lateChannel')
    }
    await fault().catch((err: unknown) => violate(`fault injection failed: ${(err as Error).message}`))
  }
  demo.traffic.stop()
  demo.sim.network.faults.releaseAll()
  await sleep(Math.max(0, end - Date.now()))
  checkInvariants()
  for (const [name, op] of demo.operators)
    if (!op.running) violate(`${name}'s process died: ${op.lines.slice(-5).join(' | ')}`)
  const rssEnd = Object.fromEntries([...demo.operators].map(([n, op]) => [n, rssMb(op.pid)]))
  // A crash prints a stack, not an event; a bug caught by the daemon is an *_error event naming it.
  const bug = /Unhandled|TypeError|ReferenceError|FATAL/
  const unhandled = [...demo.operators.values()].flatMap((op) => [
    ...op.lines.filter((l) => parseEventLine(l) === undefined && bug.test(l)),
    ...op.events
      .filter((e) => e.type.endsWith('_error') && 'error' in e && bug.test(String(e.error)))
      .map((e) => eventLine(e, 'text'))
  ])
  for (const l of unhandled.slice(0, 5)) violate(`unhandled error: ${l}`)
  await demo.stopOperators()
  // Every payment a payer's ledger says succeeded happened, with that amount; and every rebalance the
  // simulator saw is in the payer's ledger (after crashes, reconciled from LND).
  const truth = new Map(demo.sim.network.paymentLog.map((p) => [p.paymentHash, p]))
  const ledgerPaid = new Set<string>()
  for (const name of demo.operators.keys()) {
    const log = await AuditLog.open({
      storagePath: demo.storageOf(name),
      eventLogName: 'event-log',
      transactionLogName: 'transaction-log',
      shouldMask: []
    })
    try {
      const latest = new Map<string, { status: string; tokens: number }>()
      for (const t of log.allTransactions()) if (t.role === 'payer' && t.paymentHash) latest.set(t.paymentHash, t)
      for (const [hash, t] of latest) {
        if (t.status === 'succeeded') {
          ledgerPaid.add(hash)
          const p = truth.get(hash)
          if (!p || p.status !== 'SUCCEEDED' || p.amountMsat !== t.tokens * 1000)
            violate(
              `${name}'s ledger says ${hash.slice(0, 12)} paid ${t.tokens}, ` +
                `the network says ${p ? `${p.status} ${p.amountMsat / 1000}` : 'nothing'}`
            )
        }
        if (t.status === 'pending') violate(`${name}'s ledger leaves ${hash.slice(0, 12)} pending`)
      }
    } finally {
      await log.close()
    }
  }
  for (const p of truth.values()) {
    const isRebalance =
      p.status === 'SUCCEEDED' &&
      !demo.traffic.hashes.has(p.paymentHash) &&
      demo.sim.channelBetween(p.from, p.to) !== undefined &&
      isOurs(p.from) &&
      isOurs(p.to)
    if (isRebalance && !ledgerPaid.has(p.paymentHash))
      violate(`rebalance ${p.from} -> ${p.to} ${p.paymentHash.slice(0, 12)} missing from the payer's ledger`)
  }
  const rebalances = demo.rebalances()
  const summary = {
    minutes,
    seed,
    trafficPayments: demo.traffic.succeeded,
    scenario: scenario.name,
    rebalances: rebalances.length,
    // Payer's implementation -> requester's: a rebalance is paid by one node to its partner.
    rebalancesByImplementation: rebalances.reduce<Record<string, number>>((by, r) => {
      const k = `${implementationOf(r.from)}->${implementationOf(r.to)}`
      return { ...by, [k]: (by[k] ?? 0) + 1 }
    }, {}),
    movedSats: rebalances.reduce((s, r) => s + r.tokens, 0),
    feesPaidSats: rebalances.reduce((s, r) => s + r.feeMsat, 0) / 1000,
    balancePointJudged: balancePoint.stats,
    faults,
    channelsInside: `${demo.watched().filter((c) => c.inside).length}/${demo.watched().length}`,
    rssMb: { start: rssStart, end: rssEnd },
    violations
  }
  console.log(JSON.stringify(summary, null, 2))
  process.exitCode = violations.length === 0 ? 0 : 1
} finally {
  clearInterval(checker)
  balancePoint.stop()
  await demo.stop()
}
