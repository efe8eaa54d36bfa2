import { labels } from './metrics.js'
import type { AccountsReport } from '../accounts/service.js'

/**
 * Prometheus series for the accounts across operators (appended to /metrics). The label is the
 * counterparty's configured name, or its swarm key. Names are a contract: add, never rename.
 */
export function renderAccountsMetrics(report: AccountsReport): string {
  const out: string[] = []
  const metric = (
    name: string,
    type: string,
    help: string,
    value: (c: AccountsReport['counterparties'][number]) => number
  ): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const c of report.counterparties)
      out.push(`${name}${labels({ counterparty: c.name ?? c.counterparty })} ${value(c)}`)
  }
  metric(
    'tightrope_counterparty_paid_sats_total',
    'counter',
    'Sats our nodes paid this counterparty (succeeded payments, from our ledger).',
    (c) => c.total.paidSats
  )
  metric(
    'tightrope_counterparty_received_sats_total',
    'counter',
    'Sats this counterparty paid our nodes (our invoices settled).',
    (c) => c.total.receivedSats
  )
  metric(
    'tightrope_counterparty_net_sats',
    'gauge',
    'Paid minus received, all time: positive when we paid this counterparty more.',
    (c) => c.total.netSats
  )
  metric(
    'tightrope_counterparty_net_cap_used_sats',
    'gauge',
    'Net paid to this counterparty in the current limitsPeriod, payments in flight included.',
    (c) => c.cap.usedSats
  )
  metric(
    'tightrope_counterparty_net_cap_sats',
    'gauge',
    'maxNetOutflowPerPeriod for this counterparty (-1: no cap).',
    (c) => c.cap.maxNetOutflowPerPeriod ?? -1
  )
  metric(
    'tightrope_counterparty_statement_problems',
    'gauge',
    'Entries of its statement that disagree with our ledger, or are missing from it (0: it agrees).',
    (c) => c.statement.problems.length
  )
  metric(
    'tightrope_counterparty_statement_agrees',
    'gauge',
    '1 when this counterparty shared its statement and it agrees with our ledger.',
    (c) => (c.statement.agrees ? 1 : 0)
  )
  return out.join('\n') + '\n'
}
