import { findDaemon } from '../../daemon-client.js'
import { loadConfigFromFlags } from '../../config-flags.js'
import { safeJson, safeText } from '../../../daemon/log-line.js'
import type { AccountsReport } from '../../../accounts/service.js'
import { csv } from '../audit/handler.js'
import type { AccountsOptions } from './options.js'

export async function accounts(opts: AccountsOptions): Promise<void> {
  const config = loadConfigFromFlags(opts)
  const daemon = await findDaemon(config, opts.url)
  if (!daemon)
    throw new Error(
      `no daemon answers for this config (storage ` +
        `${config.audit.storage.path}${opts.url ? `, ${opts.url}` : ''}): is \`tightrope start\` running?`
    )
  const report = (await daemon.get(
    `/api/accounts${opts.since !== undefined ? `?since=${opts.since}` : ''}`
  )) as AccountsReport
  if (opts.format === 'json') return void console.log(safeJson(report, 2))
  const rows = report.counterparties.map((c) => ({
    counterparty: c.name ?? c.counterparty,
    swarmKey: c.counterparty,
    paidSats: c.total.paidSats,
    paidCount: c.total.paidCount,
    receivedSats: c.total.receivedSats,
    receivedCount: c.total.receivedCount,
    netSats: c.total.netSats,
    inFlightSats: c.inFlightSats,
    cap: c.cap.maxNetOutflowPerPeriod ?? '',
    capUsedSats: c.cap.usedSats,
    statement: !c.statement.shared
      ? 'not shared'
      : c.statement.agrees
        ? 'agrees'
        : `${c.statement.problems.length} problem(s)`
  }))
  if (opts.format === 'csv') return void console.log(csv(rows))
  if (rows.length === 0) return void console.log('no counterparty yet: no payment with another operator in the ledger')
  const header = ['counterparty', 'paid', 'received', 'net', 'cap used', 'statement']
  const table = rows.map((r) =>
    [
      r.counterparty.length > 20 ? r.counterparty.slice(0, 12) + '…' : r.counterparty,
      `${r.paidSats} (${r.paidCount})`,
      `${r.receivedSats} (${r.receivedCount})`,
      String(r.netSats),
      r.cap === '' ? `${r.capUsedSats} (no cap)` : `${r.capUsedSats} / ${r.cap}`,
      r.statement
    ].map(safeText)
  )
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] as string).length)))
  const line = (r: string[]): string =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  ')
  console.log(line(header))
  for (const r of table) console.log(line(r))
  // What disagrees, one line each: the details can carry a peer's values, so they are escaped.
  for (const c of report.counterparties)
    for (const p of c.statement.problems)
      console.log(
        safeText(
          `! ${c.name ?? c.counterparty.slice(0, 12)}: ${p.kind}${p.paymentHash ? ` ${p.paymentHash}` : ''}: ${p.detail}`
        )
      )
}
