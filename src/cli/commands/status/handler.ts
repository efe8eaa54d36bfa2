import { findDaemon } from '../../daemon-client.js'
import { loadConfigFromFlags } from '../../config-flags.js'
import type { NodeEntry, Status } from '../../../api/status.js'
import type { StatusOptions } from './options.js'
import { safeJson, safeText } from '../../../daemon/log-line.js'

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`

/** "A" when connected; otherwise its state, since when, and the last error. */
export function describeNode(n: NodeEntry): string {
  if (n.state === 'connected') return safeText(n.alias)
  const name = n.alias === n.endpoint ? n.endpoint : `${n.alias} (${n.endpoint})`
  return safeText(`${name} ${n.state} since ${n.since.slice(11, 19)}${n.error ? `: ${n.error}` : ''}`)
}

export async function status(opts: StatusOptions): Promise<void> {
  const config = loadConfigFromFlags(opts)
  const daemon = await findDaemon(config, opts.url)
  if (!daemon)
    throw new Error(
      `no daemon answers for this config (storage ` +
        `${config.audit.storage.path}${opts.url ? `, ${opts.url}` : ''}): is \`tightrope start\` running?`
    )
  const s = (await daemon.get('/api/status')) as Status
  if (opts.json) return void console.log(safeJson(s, 2))
  console.log(`daemon ${daemon.url}  up ${s.instance.uptimeSeconds} s${s.instance.dryRun ? '  DRY RUN' : ''}`)
  // Aliases, keys, errors and details can come from LND or peers: every printed value goes through safeText.
  const waiting = s.nodes.filter((n) => n.state !== 'connected')
  console.log(
    `nodes  ${
      s.nodes
        .filter((n) => n.state === 'connected')
        .map(describeNode)
        .join(', ') || 'none connected'
    }`
  )
  for (const n of waiting) console.log(`       ${describeNode(n)}`)
  const peer = (p: (typeof s.peers)[number]): string =>
    `${safeText(p.key.slice(0, 12))} (${p.nodes.map((n) => safeText(n.alias)).join(', ')})`
  console.log(`peers  ${s.peers.length === 0 ? 'none' : s.peers.map(peer).join('; ')}`)
  console.log('')
  const rows = s.channels.map((c) =>
    [
      c.channelId,
      c.node,
      c.partnerAlias ?? c.partner.slice(0, 12),
      pct(c.share),
      `${pct(c.low)}-${pct(c.high)}`,
      c.next.action === 'none' && c.next.reason === 'balanced' ? 'ok' : `${c.next.action}: ${c.next.detail}`
    ].map(safeText)
  )
  const header = ['channel', 'node', 'partner', 'share', 'deadzone', 'next']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)))
  const line = (r: string[]): string =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ')
  console.log(line(header))
  for (const r of rows) console.log(line(r))
  if (rows.length === 0)
    console.log('(no watched channel: channels are watched when both ends are nodes of the cluster)')
}
