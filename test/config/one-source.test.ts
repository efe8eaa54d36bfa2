import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/config/load.js'
import { DEFAULTS, DEFAULT_API_PORT, PLACEHOLDER_SECRET } from '../../src/config/defaults.js'
import { hostOf, isLoopbackHost } from '../../src/config/host-port.js'
import { DEFAULT_SHOULD_MASK } from '../../src/ledger/mask.js'
import * as instance from '../../src/app/instance.js'
import { hostProblem } from '../../src/api/access.js'
import { CERT, MACAROON } from './fixtures.js'

/** Each configuration fact has one source, the config module; the rest of the code imports it. */
describe('configuration read in one place', () => {
  it("the shouldMask default and the placeholder secret are the config's own values, not copies", () => {
    assert.equal(DEFAULT_SHOULD_MASK, DEFAULTS.audit.shouldMask)
    assert.equal(PLACEHOLDER_SECRET, DEFAULTS.secret)
    assert.equal('PLACEHOLDER_SECRET' in instance, false, 'no second definition in the daemon')
  })

  it("one loopback rule for the API's listen address, its Host check and the swarm's private DHT", () => {
    for (const h of ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])
      assert.equal(isLoopbackHost(h), true, h)
    for (const h of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      'example.com',
      'localhost.example.com',
      '127.0.0.1.nip.io',
      '128.0.0.1'
    ])
      assert.equal(isLoopbackHost(h), false, h)
    assert.deepEqual(['127.0.0.1:49737', 'localhost:1', '[::1]:8470', 'node.example:9735', 'bare'].map(hostOf), [
      '127.0.0.1',
      'localhost',
      '[::1]',
      'node.example',
      'bare'
    ])
    assert.equal(hostProblem('[::1]:8470', '127.0.0.1', false), undefined)
    assert.match(hostProblem('127.0.0.1.nip.io:8470', '127.0.0.1', false) ?? '', /DNS rebinding/)
  })

  it('api.port: unset by the operator stays unset (the daemon may then fall back), set is kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tightrope-config-'))
    try {
      await writeFile(join(dir, 'default.json'), await readFile(join(process.cwd(), 'config', 'default.json')))
      const node = { type: 'lnd', cert: CERT, macaroon: MACAROON, socket: '127.0.0.1:10009' }
      // An original user's local.json: no api section at all.
      await writeFile(
        join(dir, 'local.json'),
        JSON.stringify({ secret: 'a long enough secret for tests', lightningNodes: [node] })
      )
      const unset = loadConfig({ dir, env: {}, onWarning: () => {} })
      assert.equal(unset.api.port, undefined)
      assert.equal(DEFAULT_API_PORT, 8470)
      await writeFile(
        join(dir, 'local.json'),
        JSON.stringify({ secret: 'a long enough secret for tests', lightningNodes: [node], api: { port: 8470 } })
      )
      assert.equal(
        loadConfig({ dir, env: {}, onWarning: () => {} }).api.port,
        8470,
        'explicitly 8470: an error if taken, not a fallback'
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
