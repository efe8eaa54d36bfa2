import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { DEFAULT_SHOULD_MASK, REDACTED, isSecretKey, maskEntry, maskValue } from '../../src/ledger/mask.js'

const PUBKEY = '02' + 'ab'.repeat(32)

describe('maskValue', () => {
  it('keeps the first 6 and last 4 characters of a long value', () => {
    assert.equal(maskValue(PUBKEY), '02abab…abab')
    assert.equal(maskValue('0123456789abcdefghij'), '012345…ghij')
  })
  it('hides short values whole, since 10 shown characters would reveal most of them', () => {
    assert.equal(maskValue('0123456789abcdefghi'), '…')
    assert.equal(maskValue(''), '…')
  })
})

describe('isSecretKey', () => {
  const table: Array<[string, boolean]> = [
    ['secret', true],
    ['Secret', true],
    ['macaroon', true],
    ['MACAROON', true],
    ['cert', true],
    ['privateKey', true],
    ['private_key', true],
    ['secretKey', true],
    ['preimage', true],
    ['seed', true],
    ['token', true],
    ['apiToken', true],
    ['tlsCert', true],
    ['TLSCert', true],
    ['adminMacaroonHex', true],
    ['paymentPreimage', true],
    ['password', true],
    ['auth-key', true],
    ['tokens', false],
    ['publicKey', false],
    ['paymentHash', false],
    ['channelId', false],
    ['type', false],
    ['detail', false],
    ['remotePeer', false]
  ]
  for (const [key, expected] of table) {
    it(`${key} → ${expected ? 'secret' : 'not secret'}`, () => assert.equal(isSecretKey(key), expected))
  }
})

describe('maskEntry', () => {
  it('masks configured keys at any depth, inside arrays too, and leaves other keys alone', () => {
    const out = maskEntry(
      {
        publicKey: PUBKEY,
        tokens: 5,
        peers: [{ remotePeer: 'ff'.repeat(32), alias: 'bob' }],
        nested: { deeper: { paidTo: 'cc'.repeat(32) } },
        topic: ['dd'.repeat(32), 'ee'.repeat(32)]
      },
      DEFAULT_SHOULD_MASK
    )
    assert.deepEqual(out, {
      publicKey: '02abab…abab',
      tokens: 5,
      peers: [{ remotePeer: 'ffffff…ffff', alias: 'bob' }],
      nested: { deeper: { paidTo: 'cccccc…cccc' } },
      topic: ['dddddd…dddd', 'eeeeee…eeee']
    })
  })

  it('redacts secrets at any depth even when shouldMask is empty', () => {
    const out = maskEntry(
      {
        type: 'x',
        macaroon: 'AgEDbG5k',
        lnd: { cert: '-----BEGIN CERTIFICATE-----', keyPair: { publicKey: 'pk', secretKey: Buffer.from('sk') } },
        list: [{ preimage: '11'.repeat(32), ok: 1 }],
        Seed: ['word', 'list']
      },
      []
    )
    assert.deepEqual(out, {
      type: 'x',
      macaroon: REDACTED,
      lnd: { cert: REDACTED, keyPair: { publicKey: 'pk', secretKey: REDACTED } },
      list: [{ preimage: REDACTED, ok: 1 }],
      Seed: REDACTED
    })
  })

  it('does not modify its input', () => {
    const input = { publicKey: PUBKEY, secret: 's' }
    maskEntry(input, ['publicKey'])
    assert.deepEqual(input, { publicKey: PUBKEY, secret: 's' })
  })

  it('turns values JSON would garble into text, and survives cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    const shared = { n: 1 }
    const out = maskEntry(
      {
        bytes: Buffer.from([1, 2, 255]),
        big: 12345678901234567890n,
        err: new TypeError('boom'),
        when: new Date(0),
        fn: () => 1,
        cyclic,
        twice: [shared, shared]
      },
      []
    )
    assert.deepEqual(out, {
      bytes: '0102ff',
      big: '12345678901234567890',
      err: 'TypeError: boom',
      when: '1970-01-01T00:00:00.000Z',
      fn: undefined,
      cyclic: { a: 1, self: '[circular]' },
      twice: [{ n: 1 }, { n: 1 }]
    })
  })

  it('masks bytes under a masked key as hex', () => {
    assert.deepEqual(maskEntry({ publicKey: Buffer.alloc(33, 0xab) }, ['publicKey']), { publicKey: 'ababab…abab' })
  })
})
