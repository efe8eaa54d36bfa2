import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { AuditLog } from '../../src/ledger/audit-log.js'
import type { EventRecord } from '../../src/ledger/types.js'
import { ledgerDir } from './ledger-dir.js'
import type { LedgerDir } from './ledger-dir.js'

const TYPES = ['decision', 'payment', 'peer', 'rare']
const T = Date.UTC(2026, 0, 1)
const DAY = 86_400_000
/** How many of the first `count` events fill() gives `type`, counted plainly. */
const countOf = (type: string, count: number): number =>
  Array.from({ length: count }, (_, i) => (i % 97 === 0 ? 'rare' : TYPES[i % 3])).filter((t) => t === type).length

/** Every event read in full, filtered in memory: what a `type` query answered before the index. */
async function fullScan(
  log: AuditLog,
  q: { type: string; since?: number; offset?: number; limit?: number }
): Promise<{ total: number; entries: Array<EventRecord & { index: number }> }> {
  const all = (await log.events()).entries.filter(
    (e) => e.type === q.type && (q.since === undefined || e.at >= q.since)
  )
  const offset = q.offset ?? 0
  return { total: all.length, entries: all.slice(offset, offset + (q.limit ?? all.length)) }
}

/** 700 events over 10 days, types mixed unevenly, one day with the clock stepped back an hour. */
async function fill(log: AuditLog, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const type = i % 97 === 0 ? 'rare' : (TYPES[i % 3] as string)
    const at = T + i * 20 * 60_000 - (i % 50 === 7 ? 3_600_000 : 0)
    await log.appendEvent(type, { at, i })
  }
}

const QUERIES: Array<{ type: string; since?: number; offset?: number; limit?: number }> = [
  { type: 'decision' },
  { type: 'payment', limit: 10 },
  { type: 'peer', offset: 100, limit: 25 },
  { type: 'peer', offset: 10_000 },
  { type: 'rare' },
  { type: 'none-such' },
  { type: 'decision', since: T + 5 * DAY },
  { type: 'payment', since: T + 9 * DAY, offset: 3, limit: 4 },
  { type: 'rare', since: T + 2 * DAY },
  { type: 'decision', since: T + 100 * DAY },
  { type: 'peer', since: 0, limit: 1000 }
]

describe('events by type from the type index', () => {
  let dir: LedgerDir
  beforeEach(async () => {
    dir = await ledgerDir()
  })
  afterEach(async () => {
    await dir.cleanup()
  })

  it('answers as a full scan of the log did, before and after more appends and on a read-only reopen', async () => {
    const log = await dir.open({ shouldMask: [] })
    await fill(log, 0, 500)
    for (const q of QUERIES) assert.deepEqual(await log.events(q), await fullScan(log, q), JSON.stringify(q))
    // Appends after the index was built are indexed as they land.
    await fill(log, 500, 200)
    for (const q of QUERIES)
      assert.deepEqual(await log.events(q), await fullScan(log, q), `after appends ${JSON.stringify(q)}`)
    // Concurrent first queries of a fresh reader build one index, not two.
    await log.close()
    const reader = await dir.open({ readOnly: true })
    const answers = await Promise.all(QUERIES.map((q) => reader.events(q)))
    for (const [i, q] of QUERIES.entries())
      assert.deepEqual(answers[i], await fullScan(reader, q), `read-only ${JSON.stringify(q)}`)
    assert.equal((await reader.events({ type: 'decision' })).total, countOf('decision', 700))
  })

  it('reads only the page once the index is built', async () => {
    const log = await dir.open({ shouldMask: [] })
    await fill(log, 0, 600)
    await log.events({ type: 'payment', limit: 1 }) // builds the index: one pass over the log
    const core = (log as unknown as { eventLog: { get: (...a: unknown[]) => Promise<unknown> } }).eventLog
    const get = core.get.bind(core)
    let reads = 0
    core.get = (...a: unknown[]) => {
      reads++
      return get(...a)
    }
    await log.appendEvent('payment', { at: T + 700 * 20 * 60_000 })
    const page = await log.events({ type: 'payment', offset: 150, limit: 20 })
    assert.equal(page.total, countOf('payment', 600) + 1)
    assert.equal(page.entries.length, 20)
    assert.ok(page.entries.every((e) => e.type === 'payment'))
    assert.equal(reads, 20, 'one read per entry of the page, none for the rest of the log')
  })
})
