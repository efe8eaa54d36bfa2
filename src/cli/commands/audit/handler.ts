import { resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { AuditLog } from '../../../ledger/audit-log.js'
import { findDaemon } from '../../daemon-client.js'
import { loadConfigFromFlags } from '../../config-flags.js'
import type { AuditOptions } from './options.js'
import { formatFields, formatValue, safeJson, safeText } from '../../../daemon/log-line.js'

type Entry = Record<string, unknown>

function query(opts: AuditOptions): string {
  const q = new URLSearchParams()
  if (opts.since !== undefined) q.set('since', String(opts.since))
  if (opts.type) q.set('type', opts.type)
  if (opts.channel) q.set('channelId', opts.channel)
  return q.toString()
}

/** The newest `limit` entries matching, from the daemon's API or straight from the files. */
async function read(
  opts: AuditOptions
): Promise<{ entries: Entry[]; source: string; verify?: Awaited<ReturnType<AuditLog['verify']>> }> {
  const config = loadConfigFromFlags(opts)
  const daemon = opts.verify ? undefined : await findDaemon(config)
  const path = `/api/${opts.log}?${query(opts)}`
  if (daemon) {
    const first = (await daemon.get(`${path}&limit=1`)) as { total: number }
    const offset = Math.max(0, first.total - opts.limit)
    const entries: Entry[] = []
    for (let at = offset; at < first.total; at += 1000) {
      entries.push(...((await daemon.get(`${path}&offset=${at}&limit=1000`)) as { entries: Entry[] }).entries)
    }
    return { entries, source: daemon.url }
  }
  const storagePath = resolve(config.audit.storage.path)
  if (!existsSync(storagePath))
    throw new Error(`no audit storage at ${storagePath}: has the daemon run with this config?`)
  const log = await AuditLog.open({
    storagePath,
    eventLogName: config.audit.eventLog,
    transactionLogName: config.audit.transactionHistory,
    shouldMask: config.audit.shouldMask,
    readOnly: true
  })
  try {
    const verify = opts.verify ? await log.verify() : undefined
    const q = {
      ...(opts.since !== undefined ? { since: opts.since } : {}),
      ...(opts.type ? { type: opts.type } : {}),
      ...(opts.channel ? { channelId: opts.channel } : {}),
      limit: Number.MAX_SAFE_INTEGER
    }
    const page = opts.log === 'events' ? await log.events(q) : await log.transactions(q)
    return {
      entries: page.entries.slice(-opts.limit) as unknown as Entry[],
      source: storagePath,
      ...(verify ? { verify } : {})
    }
  } finally {
    await log.close()
  }
}

/** Rows as CSV, one column per key seen, every cell escaped for a terminal (also `tightrope accounts`). */
export function csv(entries: Entry[]): string {
  const columns = [...new Set(entries.flatMap((e) => Object.keys(e)))]
  const cell = (v: unknown): string => {
    const s = v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v)
    // Escaped like a log line: a CSV often ends up on a terminal, and a cell must not start a line.
    const t = safeText(s)
    return /[",]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t
  }
  return [
    columns.join(','),
    ...entries.map((e) =>
      columns.map((c) => cell(c === 'at' ? new Date(e.at as number).toISOString() : e[c])).join(',')
    )
  ].join('\n')
}

export async function audit(opts: AuditOptions): Promise<void> {
  const { entries, source, verify } = await read(opts)
  if (verify) {
    console.error(
      `${verify.ok ? 'verified' : 'PROBLEMS in'} ${source}: ${verify.eventCount} events, ${verify.transactionCount} transactions`
    )
    for (const p of verify.problems) console.error(`  ${p}`)
    if (!verify.ok) process.exitCode = 1
  }
  if (opts.format === 'json') return void console.log(safeJson(entries, 2))
  if (opts.format === 'csv') return void console.log(csv(entries))
  for (const e of entries) {
    const { at, kind: _kind, index: _index, type, ...rest } = e as Entry & { at: number }
    // The same format as the daemon's own lines, so no logged value can forge a line.
    const what = type !== undefined ? formatValue(type) : `${formatValue(rest.role)} ${formatValue(rest.status)}`
    const fields = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'role' && k !== 'status'))
    console.log(`${new Date(at).toISOString()} ${what} ${formatFields(fields)}`)
  }
}
