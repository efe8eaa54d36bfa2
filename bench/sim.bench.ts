import { authenticatedLndGrpc, createInvoice, pay } from 'lightning'
import { SimCluster } from '../src/sim/cluster.js'
import { generateScenario } from '../src/sim/generate-scenario.js'
import { printTable, report } from './report.js'

/**
 * Simulator benchmarks: start-up of a 50-node, 200-channel network (every gRPC server with its
 * own TLS certificate and macaroon) and direct payments per second through the real client.
 */
async function startup(): Promise<void> {
  const scenario = generateScenario({ nodes: 50, channels: 200, seed: 7 })
  const started = performance.now()
  const cluster = await SimCluster.start({ scenario, dht: true, control: true })
  const ms = performance.now() - started
  report({ name: 'sim.startup', value: ms, unit: 'ms', params: { nodes: 50, channels: 200 } })
  report({
    name: 'sim.startup.rss',
    value: process.memoryUsage().rss / 1024 / 1024,
    unit: 'MB',
    params: { nodes: 50, channels: 200 }
  })
  await cluster.stop()
}

async function paymentsPerSecond(total: number, concurrency: number): Promise<void> {
  const cluster = await SimCluster.start({
    scenario: { nodes: [{ alias: 'P' }, { alias: 'Q' }], channels: [{ from: 'P', to: 'Q', capacity: 10_000_000_000 }] },
    dht: false,
    control: false
  })
  try {
    const client = (alias: string) => {
      const c = cluster.connection(alias)
      return authenticatedLndGrpc({ cert: c.cert, macaroon: c.macaroon, socket: c.socket }).lnd
    }
    const P = client('P')
    const Q = client('Q')
    const channel = cluster.channels()[0]?.id as string
    let next = 0
    let failures = 0
    const started = performance.now()
    const worker = async (): Promise<void> => {
      while (next < total) {
        next++
        const invoice = await createInvoice({ lnd: Q, tokens: 1000 })
        try {
          await pay({ lnd: P, request: invoice.request, outgoing_channel: channel, max_fee: 0 })
        } catch {
          failures++
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    const seconds = (performance.now() - started) / 1000
    report({
      name: 'sim.payments_per_second',
      value: total / seconds,
      unit: 'payments/s',
      params: { total, concurrency, failures, path: 'createInvoice + pay over gRPC' }
    })
  } finally {
    await cluster.stop()
  }
}

await startup()
await paymentsPerSecond(Number(process.env.BENCH_PAYMENTS ?? 1000), 20)
printTable()
