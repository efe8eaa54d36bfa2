import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { authenticatedLndGrpc, createInvoice, type AuthenticatedLnd } from 'lightning'
import { SimCluster } from '../../src/sim/cluster.js'
import { loadScenario, parseScenario, type Scenario } from '../../src/sim/scenario.js'

export function readmeScenario(): Scenario {
  return parseScenario(JSON.parse(readFileSync(join(process.cwd(), 'scenarios', 'readme-example.json'), 'utf8')))
}

/** scenarios/mixed.json: the readme story with B and C on Core Lightning (clnrest). */
export function mixedScenario(): Scenario {
  return loadScenario(join(process.cwd(), 'scenarios', 'mixed.json'))
}

/** A real `lightning` client for a simulated node, connected exactly as Tightrope connects. */
export function lndFor(cluster: SimCluster, alias: string): AuthenticatedLnd {
  const c = cluster.connection(alias)
  return authenticatedLndGrpc({ cert: c.cert, macaroon: c.macaroon, socket: c.socket }).lnd
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
  what = 'condition'
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Resolves with the first event of a name an emitter emits, or rejects after a timeout. */
export function nextEvent<T = unknown>(
  emitter: NodeJS.EventEmitter,
  name: string,
  filter: (v: T) => boolean = () => true,
  timeoutMs = 5000
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, on)
      reject(new Error(`no ${name} event within ${timeoutMs} ms`))
    }, timeoutMs)
    const on = (v: T): void => {
      if (!filter(v)) return
      clearTimeout(timer)
      emitter.off(name, on)
      resolve(v)
    }
    emitter.on(name, on)
  })
}

/** How many times a simulated node's LND answered one method (path ends with it, e.g. 'ListChannels'): ground truth. */
export function lndCalls(cluster: SimCluster, alias: string, method: string): number {
  let n = 0
  for (const [path, count] of cluster.server(alias).calls) if (path.endsWith(`/${method}`)) n += count
  return n
}

/**
 * Makes the daemon look at `alias`'s channels `times` more times, and resolves when it did (LND's
 * own count of ListChannels calls): to prove that nothing more happens, wait for evaluations, not
 * for a time. Each round adds an invoice on the node (an event, no balance moves).
 */
export async function moreEvaluations(
  cluster: SimCluster,
  alias: string,
  times = 2,
  timeoutMs = 15_000
): Promise<void> {
  const lnd = lndFor(cluster, alias)
  for (let i = 0; i < times; i++) {
    const from = lndCalls(cluster, alias, 'ListChannels')
    await createInvoice({ lnd, tokens: 1, description: 'test: an event' })
    await eventually(
      () => (lndCalls(cluster, alias, 'ListChannels') > from ? true : undefined),
      timeoutMs,
      `evaluation ${i + 1} of ${times} of ${alias}`
    )
  }
}

/** One call to the simulator's control API, which must answer 200; its JSON body. */
export async function controlCall(cluster: SimCluster, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${cluster.controlUrl}${path}`, {
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {})
  })
  assert.equal(res.status, 200, `${method} ${path}`)
  return await res.json()
}
