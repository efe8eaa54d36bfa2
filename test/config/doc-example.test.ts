import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../../src/package-root.js'
import { CLN_METHODS } from '../../src/lightning/cln/methods.js'
import { tempDir } from '../helpers/daemon.js'
import { runToEnd } from '../helpers/process.js'
import { CERT, MACAROON } from './fixtures.js'

/**
 * docs/configuration.md's complete LND + CLN example is a contract: taken from the doc as written,
 * its placeholders filled with real values, `tightrope config check --offline` accepts it.
 */

const HEADING = '## A complete example: LND and Core Lightning side by side'

async function docExample(): Promise<string> {
  const doc = await readFile(join(PACKAGE_ROOT, 'docs', 'configuration.md'), 'utf8')
  const section = doc.slice(doc.indexOf(HEADING))
  assert.ok(doc.includes(HEADING), 'the example section is in the doc')
  const m = /```json\n([\s\S]*?)\n```/.exec(section)
  assert.ok(m, 'the section has a json block')
  return m[1] as string
}

// A rune as CLN writes it (base64url of a 32-byte hash, then "=<unique id>&restrictions"): the
// least-privilege rune the doc's createrune command makes: one restriction, each method an alternative.
const RUNE = Buffer.concat([
  Buffer.alloc(32, 9),
  Buffer.from(`=0&${CLN_METHODS.map((m) => `method=${m}`).join('|')}`)
]).toString('base64url')

/** Each placeholder, by the command it names, to a value of that shape. */
function fill(text: string): string {
  const values: Array<[RegExp, string]> = [
    [/^openssl rand/, 'a'.repeat(64)],
    [/tls\.cert/, CERT],
    [/macaroon/, MACAROON],
    [/createrune/, RUNE],
    [/ca\.pem/, CERT]
  ]
  return text.replace(/"<([^>]*)>"/g, (_, what: string) => {
    const v = values.find(([re]) => re.test(what))
    assert.ok(v, `a value for the placeholder <${what}>`)
    return JSON.stringify(v[1])
  })
}

describe('docs/configuration.md: the complete LND + CLN example', () => {
  let dir: { path: string; remove: () => Promise<void> }
  before(async () => {
    dir = await tempDir()
  })
  after(async () => {
    await dir?.remove()
  })

  it('has a placeholder for every credential and nothing else left to fill', async () => {
    const text = await docExample()
    const filled = fill(text)
    assert.doesNotMatch(filled, /<[^>]*>/)
    const config = JSON.parse(filled) as { lightningNodes: Array<{ type: string }> }
    assert.deepEqual(
      config.lightningNodes.map((n) => n.type),
      ['lnd', 'cln']
    )
  })

  it('is accepted by tightrope config check --offline, with no rune problem or warning', async () => {
    await writeFile(join(dir.path, 'local.json'), fill(await docExample()))
    const r = await runToEnd(['config', 'check', '--config', dir.path, '--offline'])
    assert.equal(r.code, 0, r.output)
    assert.doesNotMatch(r.output, /problem|warning|rune/i)
  })

  it('with the placeholders left in, is refused naming each credential', async () => {
    await writeFile(join(dir.path, 'local.json'), await docExample())
    const r = await runToEnd(['config', 'check', '--config', dir.path, '--offline'])
    assert.equal(r.code, 1)
    for (const field of ['[0].cert', '[0].macaroon', '[1].rune', '[1].cert'])
      assert.ok(r.output.includes(`lightningNodes${field}:`), `${field} in ${r.output}`)
  })
})
