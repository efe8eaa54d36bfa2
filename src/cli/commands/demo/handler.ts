import { DemoCluster } from '../../../demo/demo-cluster.js'
import { renderView, summarize } from '../../../demo/render.js'
import { onShutdown } from '../../shutdown.js'
import { eventLine } from '../../../daemon/log-line.js'
import type { DemoOptions } from './options.js'

const LATE_CHANNEL_AFTER_MS = 20_000
/** With --duration, traffic stops this long before the end so that the last pushes can be undone. */
const SETTLE_MS = 20_000

export async function demo(opts: DemoOptions): Promise<void> {
  const live = opts.durationMs === undefined && process.stdout.isTTY
  const say = (line: string): void => {
    if (!opts.json) console.error(line)
  }
  const cluster = await DemoCluster.start({
    seed: opts.seed,
    onProgress: say,
    ...(opts.scenarioFile !== undefined ? { scenarioFile: opts.scenarioFile } : {})
  })
  const started = Date.now()
  let stopping = false
  const stop = async (): Promise<void> => {
    stopping = true
    await cluster.stop()
  }
  for (const [name, op] of cluster.operators) {
    op.onEvent((e) => {
      if (!live && e.type === 'rebalanced') say(`${name}: ${eventLine(e, 'text').slice(25)}`)
    }) // without the time
  }
  for (const [name, url] of cluster.dashboards) say(`${name}'s dashboard: ${url}/`)
  cluster.traffic.start()
  const lateAt =
    opts.durationMs === undefined ? LATE_CHANNEL_AFTER_MS : Math.min(LATE_CHANNEL_AFTER_MS, opts.durationMs / 3)
  const late = setTimeout(() => {
    const eb = cluster.openLateChannel()
    if (eb) say(`Bob opens E-B (${eb.id}) at runtime, out of balance: Alice's instance picks it up without a restart`)
  }, lateAt)

  if (opts.durationMs === undefined) {
    onShutdown(async () => {
      clearTimeout(late)
      await stop()
    })
    if (live) {
      const draw = (): void => {
        if (stopping) return
        const view = renderView({
          elapsedSeconds: (Date.now() - started) / 1000,
          channels: cluster.watched(),
          rebalances: cluster.rebalances(),
          trafficPayments: cluster.traffic.succeeded,
          dashboards: cluster.dashboards
        })
        process.stdout.write(`\x1b[H\x1b[2J${view}\n`)
      }
      setInterval(draw, 500).unref()
    } else {
      setInterval(() => {
        const w = cluster.watched()
        say(
          `${Math.round((Date.now() - started) / 1000)} s: ` +
            `${w.filter((c) => c.inside).length}/${w.length} channels inside their deadzone, ` +
            `${cluster.rebalances().length} rebalances, ${cluster.traffic.succeeded} traffic payments`
        )
      }, 10_000).unref()
    }
    return
  }

  const durationMs = opts.durationMs
  onShutdown(async () => {
    clearTimeout(late)
    await stop()
  })
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, durationMs - SETTLE_MS)))
  cluster.traffic.stop()
  say('traffic stopped: letting the instances settle...')
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  clearTimeout(late)
  const summary = summarize(
    (Date.now() - started) / 1000,
    cluster.watched(),
    cluster.rebalances(),
    cluster.traffic.succeeded
  )
  await stop()
  if (opts.json) {
    console.log(JSON.stringify(summary, null, 2))
  } else {
    console.log(`demo finished after ${Math.round(summary.durationSeconds)} s`)
    console.log(`  rebalances done      ${summary.rebalances} (${summary.movedSats.toLocaleString('en-US')} sat moved)`)
    console.log(`  fees paid            ${summary.feesPaidSats} sat`)
    console.log(`  inside deadzone      ${summary.channelsInside}/${summary.channelsWatched} watched channels`)
    for (const c of summary.channels)
      console.log(
        `    ${c.channel.padEnd(5)} ${c.id.padEnd(12)} ${(100 * c.share).toFixed(1)}% ${c.inside ? 'inside' : 'OUTSIDE'}`
      )
    console.log(`  traffic payments     ${summary.trafficPayments}`)
    console.log(summary.ok ? 'OK' : 'NOT OK: see above')
  }
  process.exitCode = summary.ok ? 0 : 1
}
