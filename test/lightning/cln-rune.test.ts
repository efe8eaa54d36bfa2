import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { decodeRune, runeAllows } from '../../src/config/rune.js'
import { runeReport } from '../../src/lightning/cln/rune-report.js'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CLN_METHODS, CREATERUNE_COMMAND } from '../../src/lightning/cln/methods.js'
import { PACKAGE_ROOT } from '../../src/package-root.js'

const runeOf = (text: string): string => Buffer.concat([Buffer.alloc(32, 1), Buffer.from(text)]).toString('base64url')
const NOW = 1_800_000_000
const LEAST = runeOf(`=7&${CLN_METHODS.map((m) => `method=${m}`).join('|')}`)

describe('CLN runes, read offline', () => {
  it('decodes the unique id and the restrictions after the 32-byte hash', () => {
    const r = decodeRune(
      'tU-RLjMiDpY2U0o3W1oFowar36RFGpWloPbW9-RuZdo9MyZpZD0wMjRiOWExZmE4ZTAwNmYxZTM5MzdmNjVmNjZjNDA4ZTZkYTh'
    )
    assert.ok(r.ok)
    assert.equal(r.rune.uniqueId, '3')
    assert.deepEqual(r.rune.restrictions[0], [{ field: 'id', op: '=', value: '024b9a1fa8e006f1e3937f65f66c408e6da8' }])
  })

  it('undoes backslash escapes inside values, and splits only on unescaped | and &', () => {
    const r = decodeRune(runeOf('=0&pnamelabel=a\\|b\\&c\\\\d|method=x'))
    assert.ok(r.ok)
    assert.deepEqual(r.rune.restrictions, [
      [
        { field: 'pnamelabel', op: '=', value: 'a|b&c\\d' },
        { field: 'method', op: '=', value: 'x' }
      ]
    ])
  })

  // [rune text, method, verdict]
  const table: Array<[string, string, 'yes' | 'no' | 'maybe']> = [
    ['=0', 'sendpay', 'yes'], // no restriction: an admin rune
    ['=0&method=getinfo|method=sendpay', 'sendpay', 'yes'],
    ['=0&method=getinfo|method=sendpay', 'withdraw', 'no'],
    ['=0&method^list|method^get|method=summary&method/listdatastore', 'listpeerchannels', 'yes'],
    ['=0&method^list|method^get|method=summary&method/listdatastore', 'sendpay', 'no'],
    ['=0&method^list|method^get|method=summary&method/listdatastore', 'listdatastore', 'no'],
    ['=0&method$pay', 'sendpay', 'yes'],
    ['=0&method~invoice', 'delinvoice', 'yes'],
    ['=0&method{m', 'listinvoices', 'yes'],
    ['=0&method}m', 'listinvoices', 'no'],
    ['=0&method!', 'getinfo', 'no'],
    ['=0&id=024b9a', 'getinfo', 'no'], // clnrest sends no node id
    ['=0&id!', 'getinfo', 'yes'],
    ['=0&parr0=x', 'getinfo', 'no'], // clnrest sends named params only
    [`=0&time<${NOW + 10}`, 'getinfo', 'yes'],
    [`=0&time<${NOW - 10}`, 'getinfo', 'no'],
    ['=0&method/sendpay|pnameamount_msat<100000001', 'sendpay', 'maybe'],
    ['=0&method/sendpay|pnameamount_msat<100000001', 'getinfo', 'yes'],
    ['=0&rate=60', 'getinfo', 'yes'],
    ['=0&#just a comment', 'getinfo', 'yes']
  ]
  for (const [text, method, verdict] of table) {
    it(`${text} → ${method}: ${verdict}`, () => {
      const r = decodeRune(runeOf(text))
      assert.ok(r.ok, JSON.stringify(r))
      assert.equal(runeAllows(r.rune, method, NOW).verdict, verdict)
    })
  }

  it('the least-privilege rune allows every method the adapter calls, and nothing is reported', () => {
    assert.deepEqual(runeReport(LEAST, NOW), { problems: [], warnings: [] })
    for (const m of CLN_METHODS) assert.ok(CREATERUNE_COMMAND.includes(`"method=${m}"`), m)
    assert.ok(!/method=(x?pay|withdraw|close)"/.test(CREATERUNE_COMMAND))
  })

  it('docs/configuration.md gives exactly the createrune command the adapter needs', async () => {
    const doc = await readFile(join(PACKAGE_ROOT, 'docs', 'configuration.md'), 'utf8')
    assert.ok(doc.includes(CREATERUNE_COMMAND), CREATERUNE_COMMAND)
  })

  it('config check names each needed method a rune refuses, and the restriction that refuses it', () => {
    const { problems } = runeReport(runeOf('=0&method^list|method^get'), NOW)
    assert.equal(problems.length, 1)
    for (const m of ['invoice', 'delinvoice', 'sendpay', 'waitsendpay', 'signmessage', 'checkmessage', 'wait'])
      assert.ok(problems[0]?.includes(`${m} (refused by "method^list|method^get")`), m)
    for (const m of ['getinfo', 'listpeerchannels', 'listinvoices', 'listsendpays'])
      assert.ok(!problems[0]?.includes(`${m} (`), m)
    assert.ok(problems[0]?.includes('lightning-cli createrune'))
  })

  it('warns of rate=/per= (a minimum gap: calls fail "too soon"), an expired time<, and id=', () => {
    const text = `=7&${CLN_METHODS.map((m) => `method=${m}`).join('|')}`
    const { problems, warnings } = runeReport(runeOf(`${text}&rate=60&per=1sec`), NOW)
    assert.deepEqual(problems, [])
    assert.equal(warnings.filter((w) => w.includes('"too soon"')).length, 2)
    const expired = runeReport(runeOf(`${text}&time<${NOW - 1}`), NOW)
    assert.ok(expired.warnings.some((w) => w === `restriction "time<${NOW - 1}": the rune has expired`))
    assert.ok(expired.problems[0]?.includes('getinfo (refused by'))
    const id = runeReport(runeOf(`${text}&id=02aa|method=getinfo`), NOW)
    assert.ok(id.warnings.some((w) => w.includes('an id= condition never holds over clnrest')))
  })

  it('a damaged rune is one problem, never quoting the rune', () => {
    const bad = 'not-a-rune!'
    const { problems } = runeReport(bad, NOW)
    assert.deepEqual(problems, ['expected a rune: base64url characters only'])
  })
})
