import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { EARLY_REFUSALS, INTERNAL_ERROR, STRANGER_CLOSE_REASONS } from '../../src/swarm/peer-connection.js'
import { PAY_REFUSAL_REASONS } from '../../src/policy/payer-types.js'
import { encodeEnvelope, MessageType, parseFrame } from '../../src/swarm/envelope.js'
import { FRAME_CODECS } from '../../src/swarm/peer-connection.js'

const root = new URL('../../../', import.meta.url) // dist/test/swarm → the checkout
const doc = (): Promise<string> => readFile(new URL('docs/protocol.md', root), 'utf8')
const codes = (text: string): string[] => [...text.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1] as string)
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort()

describe('docs/protocol.md lists every reason the code can send', () => {
  it('refusal reasons: the table row by row, against the code', async () => {
    const text = await doc()
    const row = (label: string): string[] => {
      const line = text.split('\n').find((l) => l.startsWith(`| ${label}`))
      assert.ok(line, `a row "${label}" in the refusal reasons table`)
      return codes(line.slice(label.length + 2))
    }
    assert.deepEqual(sorted(row('before any payment decision')), sorted(EARLY_REFUSALS))
    assert.deepEqual(row('an unexpected error'), [INTERNAL_ERROR])
    // The payer's own refusals: the policy's list and the ones payer-service writes itself.
    const service = await readFile(new URL('src/daemon/payer-service.ts', root), 'utf8')
    const own = [...service.matchAll(/refuse\(\s*'([A-Za-z]+)'/g)].map((m) => m[1] as string)
    assert.ok(own.length >= 5, 'the payer service refuses with literal reasons')
    assert.deepEqual(sorted(row('the payer (step 3)')), sorted([...PAY_REFUSAL_REASONS, ...own]))
  })

  it('reasons a connection closed before it authenticated', async () => {
    const text = (await doc()).replace(/\s+/g, ' ')
    const para = text.slice(text.indexOf('tightrope_unauthenticated_connections_closed_total{reason}'))
    const listed = codes(para.slice(0, para.indexOf('stranger_connections_closed')))
    assert.deepEqual(sorted(listed), sorted(STRANGER_CLOSE_REASONS))
  })
})

describe('forward compatibility', () => {
  it('an unknown type is ignored whatever its body, an empty one included; a known type with an empty body is bad', () => {
    for (const body of [new Uint8Array(0), Buffer.from('newer')]) {
      const frame = parseFrame<unknown>(encodeEnvelope({ seq: 3, type: 99, body }), 2, FRAME_CODECS)
      assert.deepEqual(frame, { ok: false, bad: false, reason: 'unknown message type 99', seq: 3 })
    }
    const known = parseFrame<unknown>(
      encodeEnvelope({ seq: 3, type: MessageType.payInvoice, body: new Uint8Array(0) }),
      2,
      FRAME_CODECS
    )
    assert.equal(known.ok, false)
    assert.equal(!known.ok && known.bad, true)
  })
})
