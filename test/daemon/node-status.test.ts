import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { redactError } from '../../src/lightning/node-status.js'
import { describeNode } from '../../src/cli/commands/status/handler.js'

describe('node states as the operator sees them', () => {
  const macaroon = Buffer.from('a macaroon that must never be shown').toString('base64')
  const cert = Buffer.from('-----BEGIN CERTIFICATE----- not for display').toString('base64')

  it('an error never carries the credentials, in any encoding, and stays short', () => {
    const hex = Buffer.from(macaroon, 'base64').toString('hex')
    const out = redactError(`LND at 127.0.0.1:1: bad ${macaroon} / ${hex} / ${cert}`, { macaroon, cert })
    assert.equal(out, 'LND at 127.0.0.1:1: bad [redacted] / [redacted] / [redacted]')
    assert.equal(redactError('x'.repeat(1000), { macaroon, cert }).length, 301)
  })

  it('tightrope status: a node that is not connected shows its socket, state, since and error; control characters are escaped', () => {
    const entry = {
      alias: '127.0.0.1:9',
      endpoint: '127.0.0.1:9',
      socket: '127.0.0.1:9',
      state: 'connecting' as const,
      since: '2026-11-30T12:04:10.000Z',
      error: 'LND at 127.0.0.1:9: no answer within 10 s',
      connected: false
    }
    assert.equal(
      describeNode(entry),
      '127.0.0.1:9 connecting since 12:04:10: LND at 127.0.0.1:9: no answer within 10 s'
    )
    assert.equal(
      describeNode({ ...entry, alias: 'B', state: 'lost', error: 'Connection dropped' }),
      'B (127.0.0.1:9) lost since 12:04:10: Connection dropped'
    )
    assert.equal(describeNode({ ...entry, alias: 'A\u001b[2J', state: 'connected', connected: true }), 'A\\u001b[2J')
    assert.equal(
      describeNode({ ...entry, alias: 'ok\u0007\u009b', state: 'connected', connected: true }),
      'ok\\u0007\\u009b'
    )
  })
})
