import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { AccountsService } from '../../src/accounts/service.js'
import type { StatementBook } from '../../src/accounts/statements.js'
import type { StatementProblem } from '../../src/accounts/types.js'
import type { EventFields } from '../../src/core/events.js'
import { eventually } from '../helpers/sim.js'
import { settings } from '../policy/fixtures.js'

const SILENT = 'a'.repeat(64)
const CAROL = 'c'.repeat(64)

/**
 * The accounts tick's orchestration, over a book whose statements the test decides: one
 * counterparty never answers (its sync never ends), another has a problem to report.
 */
test('a silent counterparty does not hold up the others; a problem whose detail changes every time is reported once', async () => {
  let endSilent: () => void = () => {}
  const silentSync = new Promise<void>((resolve) => (endSilent = resolve))
  let syncsOfSilent = 0
  let reads = 0
  const book = {
    record: async () => {},
    share: async () => Buffer.alloc(32),
    follow: async () => {},
    sync: (cp: string) => {
      if (cp !== SILENT) return Promise.resolve()
      syncsOfSilent++
      return silentSync
    },
    followed: [SILENT, CAROL],
    statement: (cp: string) => {
      // A member that shares a new key on every connection: a new detail every time we look.
      const problems: StatementProblem[] =
        cp === CAROL ? [{ kind: 'rewritten', detail: `it shared another statement (${++reads})` }] : []
      return { shared: true, entries: [], problems, length: 0 }
    },
    close: async () => endSilent()
  }
  const emitted: Array<EventFields['statement_disagreement']> = []
  const service = new AccountsService({
    ledger: { allTransactions: () => [] },
    book: book as unknown as StatementBook,
    counterparties: [
      { name: 'silent', swarmKey: SILENT },
      { name: 'carol', swarmKey: CAROL }
    ],
    settingsFor: () => settings(),
    emit: (type, fields) => {
      if (type === 'statement_disagreement') emitted.push(fields as EventFields['statement_disagreement'])
    },
    events: new EventEmitter() as never,
    syncWaitMs: 50
  })
  try {
    // Before the fix the first tick waited for the silent sync forever: nothing was ever reported.
    await eventually(() => (emitted.length > 0 ? true : undefined), 10_000, "carol's problem reported")
    // More ticks, each looking at carol's statement again (a new detail each time).
    const seen = reads
    await eventually(() => (reads >= seen + 3 ? true : undefined), 20_000, 'three more ticks')
    assert.deepEqual(
      emitted.map((e) => [e.counterparty, e.kind]),
      [['carol', 'rewritten']],
      'reported once, however many details'
    )
    assert.ok(syncsOfSilent >= 2, 'the silent one is asked again at later ticks, not waited for')
  } finally {
    await service.stop()
  }
})
