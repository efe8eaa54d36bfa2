import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import {
  ADMIN_PERMISSIONS,
  authorizeCall,
  hasPermissions,
  macaroonFromMetadata,
  mintMacaroon,
  PERMISSION_DENIED,
  REQUIRED_PERMISSIONS,
  verifyMacaroon
} from '../../../src/sim/crypto/macaroon.js'
import { canonicalPermissions, encodeMacaroonId } from '../../../src/sim/crypto/macaroon-id.js'
import {
  addFirstPartyCaveat,
  newMacaroon,
  parseMacaroon,
  serializeMacaroon
} from '../../../src/sim/crypto/macaroon-v2.js'

const rootKey = randomBytes(32)
const rw = (entity: string): Array<{ entity: string; action: string }> => [
  { entity, action: 'read' },
  { entity, action: 'write' }
]

/**
 * The bytes of an admin.macaroon as LND v0.20 bakes it, with its 16-byte nonce and its signature
 * zeroed: location "lnd", root key id "0", the 19 admin permissions grouped by entity, no caveats.
 */
const LND_ADMIN_LAYOUT =
  '0201036c6e6402f801030a10' +
  '00'.repeat(16) +
  '1201301a160a0761646472657373120472656164120577726974651a130a04696e666f120472656164120577726974651a170a08696e766f6963' +
  '6573120472656164120577726974651a210a086d616361726f6f6e120867656e6572617465120472656164120577726974651a160a076d6573' +
  '73616765120472656164120577726974651a170a086f6666636861696e120472656164120577726974651a160a076f6e636861696e12047265' +
  '6164120577726974651a140a057065657273120472656164120577726974651a180a067369676e6572120867656e65726174651204726561' +
  '64' +
  '000006' +
  '20' +
  '00'.repeat(32)

/** A macaroon signed with our root key around an arbitrary identifier. */
const withId = (id: Buffer): Buffer => serializeMacaroon(newMacaroon(rootKey, id, 'lnd'))
const errorOf = (r: { ok: boolean; error?: string }): string | undefined => (r.ok ? undefined : r.error)

describe('minting LND macaroons', () => {
  it("bakes an admin macaroon byte-for-byte in LND's layout", () => {
    const mac = mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS })
    const masked = Buffer.from(mac)
    masked.fill(0, 12, 28) // nonce
    masked.fill(0, mac.length - 32) // signature
    assert.equal(masked.toString('hex'), LND_ADMIN_LAYOUT)
    assert.notDeepEqual(
      mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS }).subarray(12, 28),
      mac.subarray(12, 28),
      'fresh nonce'
    )
  })

  it('carries its permissions, canonicalised, through verification', () => {
    const v = verifyMacaroon(
      mintMacaroon({ rootKey, permissions: [...rw('offchain'), { entity: 'info', action: 'read' }] }),
      rootKey
    )
    assert.deepEqual(v, { ok: true, permissions: [{ entity: 'info', action: 'read' }, ...rw('offchain')] })
    const admin = verifyMacaroon(mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS }), rootKey)
    assert.deepEqual(admin.ok && admin.permissions, canonicalPermissions(ADMIN_PERMISSIONS))
  })

  it('refuses to mint without permissions, as the bakery does', () => {
    assert.throws(() => mintMacaroon({ rootKey, permissions: [] }), {
      message: 'cannot mint a macaroon associated with no operations'
    })
  })
})

describe("verifying macaroons with LND's answers", () => {
  const admin = mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS })

  it('refuses another root key, an edited identifier (no privilege escalation) and garbage', () => {
    assert.equal(
      errorOf(verifyMacaroon(admin, randomBytes(32))),
      'verification failed: signature mismatch after caveat verification'
    )
    const readonly = parseMacaroon(mintMacaroon({ rootKey, permissions: [{ entity: 'offchain', action: 'read' }] }))
    const forged = { ...readonly, id: Buffer.from(readonly.id.toString('latin1').replace('read', 'xxxx'), 'latin1') }
    assert.equal(
      errorOf(verifyMacaroon(serializeMacaroon(forged), rootKey)),
      'verification failed: signature mismatch after caveat verification'
    )
    assert.equal(errorOf(verifyMacaroon(Buffer.alloc(0), rootKey)), 'empty macaroon data')
    assert.equal(
      errorOf(verifyMacaroon(Buffer.from('garbage'), rootKey)),
      'cannot determine data format of binary-encoded macaroon'
    )
    assert.equal(
      errorOf(verifyMacaroon(admin.subarray(0, 100), rootKey)),
      'unmarshal v2: field data extends past end of buffer'
    )
  })

  it("applies CheckMacAuth's version and identifier checks in order", () => {
    const v1 = Buffer.from(`000flocation l\n0011identifier i\n002fsignature ${'s'.repeat(32)}\n`)
    assert.equal(errorOf(verifyMacaroon(v1, rootKey)), 'unknown macaroon version: v1')
    assert.equal(errorOf(verifyMacaroon(withId(Buffer.alloc(0)), rootKey)), 'invalid ID')
    assert.equal(errorOf(verifyMacaroon(withId(Buffer.from('legacy-id')), rootKey)), 'invalid ID')
    assert.equal(
      errorOf(verifyMacaroon(withId(Buffer.from([3, 0x12, 9, 0x30])), rootKey)),
      'cannot retrieve macaroon: cannot unmarshal macaroon id: proto: cannot parse invalid wire-format data'
    )
    assert.equal(
      errorOf(verifyMacaroon(withId(Buffer.from([3, 0x12, 1, 0x30])), rootKey)),
      'cannot retrieve macaroon: no operations found in macaroon'
    )
    const otherRootKeyId = encodeMacaroonId({
      nonce: randomBytes(16),
      storageId: Buffer.from('1'),
      permissions: ADMIN_PERMISSIONS
    })
    assert.equal(
      errorOf(verifyMacaroon(withId(otherRootKeyId), rootKey)),
      "cannot retrieve macaroon: cannot get macaroon: root key with id 1 doesn't exist"
    )
  })

  it('checks time-before caveats, including ones a holder adds without the root key', () => {
    const now = new Date('2026-06-01T00:00:00Z')
    const timed = mintMacaroon({
      rootKey,
      permissions: ADMIN_PERMISSIONS,
      caveats: ['time-before 2026-06-02T00:00:00Z']
    })
    assert.ok(verifyMacaroon(timed, rootKey, { now }).ok)
    assert.equal(
      errorOf(verifyMacaroon(timed, rootKey, { now: new Date('2026-06-02T00:00:00Z') })),
      'caveat "time-before 2026-06-02T00:00:00Z" not satisfied: macaroon has expired'
    )
    // LND writes nanoseconds (RFC3339Nano); they count.
    const nanos = mintMacaroon({
      rootKey,
      permissions: ADMIN_PERMISSIONS,
      caveats: ['time-before 2026-06-01T00:00:00.000000001Z']
    })
    assert.ok(verifyMacaroon(nanos, rootKey, { now }).ok)
    const unparseable = mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS, caveats: ['time-before tomorrow'] })
    assert.match(
      errorOf(verifyMacaroon(unparseable, rootKey)) ?? '',
      /^caveat "time-before tomorrow" not satisfied: parsing time "tomorrow"/
    )
    // Attenuation: anyone holding a macaroon can narrow it (the HMAC chain continues from its signature).
    const narrowed = serializeMacaroon(
      addFirstPartyCaveat(parseMacaroon(admin), 'time-before 2026-05-01T00:00:00.5+02:00')
    )
    assert.equal(
      errorOf(verifyMacaroon(narrowed, rootKey, { now })),
      'caveat "time-before 2026-05-01T00:00:00.5+02:00" not satisfied: macaroon has expired'
    )
    // ...but nobody can drop a caveat again.
    const stripped = parseMacaroon(timed)
    assert.equal(
      errorOf(verifyMacaroon(serializeMacaroon({ ...stripped, caveats: [] }), rootKey)),
      'verification failed: signature mismatch after caveat verification'
    )
  })

  it("checks LND's ipaddr and iprange caveats against the caller's address", () => {
    const locked = mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS, caveats: ['ipaddr 127.0.0.1'] })
    assert.ok(verifyMacaroon(locked, rootKey, { peerAddress: '127.0.0.1' }).ok)
    assert.ok(verifyMacaroon(locked, rootKey, { peerAddress: '::ffff:127.0.0.1' }).ok)
    assert.equal(
      errorOf(verifyMacaroon(locked, rootKey, { peerAddress: '10.0.0.1' })),
      'caveat "ipaddr 127.0.0.1" not satisfied: macaroon locked to different IP address'
    )
    assert.equal(
      errorOf(verifyMacaroon(locked, rootKey)),
      'caveat "ipaddr 127.0.0.1" not satisfied: unable to get peer info from context'
    )
    const ranged = mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS, caveats: ['iprange 10.0.0.0/8'] })
    assert.ok(verifyMacaroon(ranged, rootKey, { peerAddress: '10.1.2.3' }).ok)
    assert.equal(
      errorOf(verifyMacaroon(ranged, rootKey, { peerAddress: '11.0.0.1' })),
      'caveat "iprange 10.0.0.0/8" not satisfied: macaroon locked to different IP range'
    )
  })

  it('refuses conditions it does not know, or cannot parse, as the bakery does', () => {
    const cases: Array<[string, string]> = [
      ['account = 42', 'caveat "account = 42" not satisfied: caveat not recognized'],
      ['lnd-custom middleware x', 'caveat "lnd-custom middleware x" not satisfied: caveat not recognized'],
      ['error stop', 'caveat "error stop" not satisfied: bad caveat'],
      ['', 'cannot parse caveat "": empty caveat'],
      [' x', 'cannot parse caveat " x": caveat starts with space character'],
      ['say "hi"\n', 'caveat "say \\"hi\\"\\n" not satisfied: caveat not recognized']
    ]
    for (const [caveat, error] of cases) {
      assert.equal(
        errorOf(verifyMacaroon(mintMacaroon({ rootKey, permissions: ADMIN_PERMISSIONS, caveats: [caveat] }), rootKey)),
        error
      )
    }
  })
})

describe('the macaroon metadata entry', () => {
  it('must be exactly one, as hex', () => {
    assert.deepEqual(macaroonFromMetadata([]), { ok: false, error: 'expected 1 macaroon, got 0' })
    assert.deepEqual(macaroonFromMetadata(['00', '00']), { ok: false, error: 'expected 1 macaroon, got 2' })
    assert.deepEqual(macaroonFromMetadata(['0201AbcD']), { ok: true, bytes: Buffer.from([2, 1, 0xab, 0xcd]) })
  })

  it("reports bad hex in Go's encoding/hex words", () => {
    assert.deepEqual(macaroonFromMetadata(['02zz']), { ok: false, error: "encoding/hex: invalid byte: U+007A 'z'" })
    assert.deepEqual(macaroonFromMetadata(['020']), { ok: false, error: 'encoding/hex: odd length hex string' })
    assert.deepEqual(macaroonFromMetadata(['02g']), { ok: false, error: "encoding/hex: invalid byte: U+0067 'g'" })
    assert.deepEqual(macaroonFromMetadata(['0\u0001']), { ok: false, error: 'encoding/hex: invalid byte: U+0001' })
    // A base64 macaroon (the other form the lightning client accepts from its user) is not hex.
    assert.deepEqual(macaroonFromMetadata(['AgEDbG5k']), { ok: false, error: "encoding/hex: invalid byte: U+0067 'g'" })
  })
})

describe('LND permissions', () => {
  it("admin.macaroon holds LND's read and write permissions", () => {
    const expected = [
      ...rw('onchain'),
      ...rw('offchain'),
      ...rw('address'),
      ...rw('message'),
      ...rw('peers'),
      ...rw('info'),
      ...rw('invoices'),
      { entity: 'signer', action: 'read' },
      { entity: 'signer', action: 'generate' },
      { entity: 'macaroon', action: 'read' },
      { entity: 'macaroon', action: 'generate' },
      { entity: 'macaroon', action: 'write' }
    ]
    assert.deepEqual(canonicalPermissions(ADMIN_PERMISSIONS), canonicalPermissions(expected))
    assert.equal(ADMIN_PERMISSIONS.length, 19)
  })

  it('requires what LND requires for each RPC the simulator serves', () => {
    const expected: Record<string, string> = {
      '/lnrpc.Lightning/GetInfo': 'info:read',
      '/lnrpc.Lightning/ListChannels': 'offchain:read',
      '/lnrpc.Lightning/GetChanInfo': 'info:read',
      '/lnrpc.Lightning/ChannelBalance': 'offchain:read',
      '/lnrpc.Lightning/AddInvoice': 'invoices:write',
      '/lnrpc.Lightning/LookupInvoice': 'invoices:read',
      '/lnrpc.Lightning/SubscribeInvoices': 'invoices:read',
      '/invoicesrpc.Invoices/SubscribeSingleInvoice': 'invoices:read',
      '/lnrpc.Lightning/DecodePayReq': 'offchain:read',
      '/routerrpc.Router/SendPaymentV2': 'offchain:write',
      '/routerrpc.Router/TrackPaymentV2': 'offchain:read',
      '/lnrpc.Lightning/ListPayments': 'offchain:read',
      '/lnrpc.Lightning/SubscribeChannelEvents': 'offchain:read',
      '/routerrpc.Router/SubscribeHtlcEvents': 'offchain:read',
      '/lnrpc.Lightning/SignMessage': 'message:write',
      '/lnrpc.Lightning/VerifyMessage': 'message:read'
    }
    for (const [method, perm] of Object.entries(expected)) {
      assert.deepEqual(
        REQUIRED_PERMISSIONS[method]?.map((p) => `${p.entity}:${p.action}`),
        [perm],
        method
      )
    }
    for (const [method, required] of Object.entries(REQUIRED_PERMISSIONS))
      assert.ok(hasPermissions(ADMIN_PERMISSIONS, required), method)
  })

  it('grants a method through all its permissions or through uri:<method>', () => {
    const readOnly = [{ entity: 'offchain', action: 'read' }]
    assert.ok(hasPermissions(readOnly, [{ entity: 'offchain', action: 'read' }]))
    assert.ok(!hasPermissions(readOnly, [{ entity: 'offchain', action: 'write' }]))
    assert.ok(
      !hasPermissions(readOnly, [
        { entity: 'offchain', action: 'read' },
        { entity: 'info', action: 'read' }
      ])
    )
    const uri = [{ entity: 'uri', action: '/routerrpc.Router/SendPaymentV2' }]
    assert.ok(hasPermissions(uri, [{ entity: 'offchain', action: 'write' }], '/routerrpc.Router/SendPaymentV2'))
    assert.ok(!hasPermissions(uri, [{ entity: 'offchain', action: 'write' }], '/lnrpc.Lightning/AddInvoice'))
  })

  it("authorizes whole calls like LND's interceptor", () => {
    const hex = (m: Buffer): string[] => [m.toString('hex')]
    const invoiceOnly = mintMacaroon({ rootKey, permissions: rw('invoices') })
    assert.ok(authorizeCall('/lnrpc.Lightning/AddInvoice', hex(invoiceOnly), rootKey).ok)
    assert.deepEqual(authorizeCall('/routerrpc.Router/SendPaymentV2', hex(invoiceOnly), rootKey), {
      ok: false,
      error: PERMISSION_DENIED
    })
    assert.equal(PERMISSION_DENIED, 'permission denied')
    assert.deepEqual(authorizeCall('/lnrpc.Lightning/GetInfo', [], rootKey), {
      ok: false,
      error: 'expected 1 macaroon, got 0'
    })
    assert.deepEqual(authorizeCall('/lnrpc.Lightning/Nope', hex(invoiceOnly), rootKey), {
      ok: false,
      error: '/lnrpc.Lightning/Nope: unknown permissions required for method'
    })
    const uriOnly = mintMacaroon({ rootKey, permissions: [{ entity: 'uri', action: '/lnrpc.Lightning/GetInfo' }] })
    assert.ok(authorizeCall('/lnrpc.Lightning/GetInfo', hex(uriOnly), rootKey).ok)
    assert.deepEqual(authorizeCall('/lnrpc.Lightning/ListChannels', hex(uriOnly), rootKey), {
      ok: false,
      error: PERMISSION_DENIED
    })
    assert.deepEqual(authorizeCall('/lnrpc.Lightning/GetInfo', hex(invoiceOnly), randomBytes(32)), {
      ok: false,
      error: 'verification failed: signature mismatch after caveat verification'
    })
  })
})
