import type { Rebalance, WatchedChannel } from './demo-cluster.js'
import { safeText } from '../daemon/log-line.js'

/** One line per watched channel: a bar of the first node's share with the deadzone band marked. */
export function channelBar(share: number, low: number, high: number, width = 30): string {
  const cells = Array.from({ length: width }, (_, i) => {
    const at = (i + 0.5) / width
    const filled = at <= share
    const band = at >= low && at <= high
    return filled ? (band ? '█' : '▓') : band ? '·' : ' '
  })
  return `[${cells.join('')}]`
}

export interface View {
  elapsedSeconds: number
  channels: WatchedChannel[]
  rebalances: Rebalance[]
  trafficPayments: number
  dashboards: Map<string, string>
  note?: string
}

const sat = (n: number): string => n.toLocaleString('en-US')

export function renderView(v: View): string {
  const lines = [
    `Tightrope demo: Alice's and Bob's instances over a local Hyperswarm DHT   ${Math.floor(v.elapsedSeconds)} s`,
    ...[...v.dashboards].map(([name, url]) => `  ${name.padEnd(6)} dashboard ${url}/`),
    `  traffic payments ${v.trafficPayments}   rebalances ${v.rebalances.length}   ` +
      `fees paid by rebalances ${sat(v.rebalances.reduce((s, r) => s + r.feeMsat, 0) / 1000)} sat`,
    ...(v.note ? [`  ${v.note}`] : []),
    '',
    '  channel  id            operators  local share of the first node (deadzone ·)',
    ...v.channels.map(
      (c) =>
        `  ${`${c.a}-${c.b}`.padEnd(8)} ${c.id.padEnd(13)} ${c.operators.padEnd(10)} ` +
        `${channelBar(c.share, 0.4, 0.6)} ${(100 * c.share).toFixed(1).padStart(5)}% ` +
        `${c.inside ? 'inside' : 'OUT'}${c.active ? '' : ' (inactive)'}`
    ),
    '',
    '  recent rebalances',
    ...v.rebalances
      .slice(-6)
      .reverse()
      .map(
        (r) =>
          `  ${new Date(r.at).toISOString().slice(11, 19)}  ${r.from} pays ${r.to}  ` +
          `${sat(r.tokens).padStart(10)} sat  fee ${r.feeMsat / 1000}`
      ),
    ...(v.rebalances.length === 0 ? ['  (none yet)'] : []),
    '',
    '  Ctrl-C stops everything.'
  ]
  // Aliases and channel ids come from the nodes: nothing in them may move the cursor or start a line.
  return lines.map(safeText).join('\n')
}

export interface Summary {
  durationSeconds: number
  trafficPayments: number
  rebalances: number
  movedSats: number
  feesPaidSats: number
  channelsInside: number
  channelsWatched: number
  channels: Array<{ channel: string; id: string; share: number; inside: boolean }>
  ok: boolean
}

export function summarize(
  durationSeconds: number,
  channels: WatchedChannel[],
  rebalances: Rebalance[],
  trafficPayments: number
): Summary {
  const fees = rebalances.reduce((s, r) => s + r.feeMsat, 0) / 1000
  const inside = channels.filter((c) => c.inside).length
  return {
    durationSeconds,
    trafficPayments,
    rebalances: rebalances.length,
    movedSats: rebalances.reduce((s, r) => s + r.tokens, 0),
    feesPaidSats: fees,
    channelsInside: inside,
    channelsWatched: channels.length,
    channels: channels.map((c) => ({
      channel: `${c.a}-${c.b}`,
      id: c.id,
      share: Math.round(c.share * 1000) / 1000,
      inside: c.inside
    })),
    ok: fees === 0 && inside === channels.length && rebalances.length > 0
  }
}
