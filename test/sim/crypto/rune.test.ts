import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  authcodeFor,
  checkRestrictions,
  decodeRune,
  encodeRune,
  isAuthentic,
  parseRestrictionText,
  restrictionsFromParam,
  restrictionsToText,
  type RuneCall
} from '../../../src/sim/crypto/rune.js'

const secret = new Uint8Array(32).fill(7)
const call = (over: Partial<RuneCall> = {}): RuneCall => ({
  method: 'getinfo',
  params: {},
  nowMs: 1_700_000_000_000,
  ...over
})

describe('rune text (ccan/rune coding)', () => {
  it('the docs readonly rune decodes to its restriction text, and round-trips', () => {
    const rows = restrictionsFromParam('readonly')
    assert.equal(restrictionsToText('0', rows), '=0&method^list|method^get|method=summary&method/listdatastore')
    const parsed = parseRestrictionText('=0&method^list|method^get|method=summary&method/listdatastore')
    assert.equal(parsed.uniqueId, '0')
    assert.deepEqual(parsed.restrictions, rows)
  })

  it('escapes \\, | and & inside values, and reads them back', () => {
    // createrune takes each alternative in its text form, escapes included.
    const rows = restrictionsFromParam([['pnamelabel=a\\|b\\&c\\\\d'], ['method=invoice']])
    assert.equal(rows[0]?.[0]?.value, 'a|b&c\\d')
    const text = restrictionsToText('5', rows)
    assert.equal(text, '=5&pnamelabel=a\\|b\\&c\\\\d&method=invoice')
    assert.deepEqual(parseRestrictionText(text).restrictions, rows)
  })

  // rustyrussell/runes tests/test_vectors.csv (secret = 16 zero bytes): authcode, restriction text.
  const zero16 = new Uint8Array(16)
  const vectors: Array<[string, string[], string]> = [
    ['empty rune', [], '374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb'],
    ['unique id 1', ['=1'], '6035731a2cbb022cbeb67645aa0f8a26653d8cc454e0e087d4d19d282b8da4bd'],
    ['f1 equals v1', ['f1=v1'], '745c6e39cd41ee9f8388af8ad882bae4ee4e8f6b373f7682cc64d8574551fa5f'],
    [
      'f1=1 or f2=3 AND f3 contains v1',
      ['f1=1|f2=3', 'f3~v1'],
      '1edf4068e2b0b1e4e075e66751c2d3f5c9fc4515d114f875e6dc6e3e6704efa9'
    ]
  ]
  for (const [name, rows, hex] of vectors)
    it(`authcode as ccan/rune computes it: ${name}`, () => assert.equal(authcodeFor(zero16, rows).toString('hex'), hex))

  it('the unique id 1 rune prints as CLN prints it (base64url with padding)', () => {
    assert.equal(encodeRune(zero16, '1', []), 'YDVzGiy7Aiy-tnZFqg-KJmU9jMRU4OCH1NGdKCuNpL09MQ==')
  })

  it('a rune is base64url of 32 bytes of authcode and the text; the node recognises only its own', () => {
    const rune = encodeRune(secret, '3', restrictionsFromParam([['method=getinfo']]))
    const bytes = Buffer.from(rune, 'base64url')
    assert.equal(bytes.subarray(32).toString(), '=3&method=getinfo')
    const decoded = decodeRune(rune)
    assert.equal(isAuthentic(secret, decoded), true)
    assert.equal(isAuthentic(new Uint8Array(32).fill(8), decoded), false)
    // Editing the text (dropping the restriction) breaks authenticity.
    const forged = Buffer.concat([bytes.subarray(0, 32), Buffer.from('=3')]).toString('base64url')
    assert.equal(isAuthentic(secret, decodeRune(forged)), false)
  })

  for (const bad of ['', 'not base64!', Buffer.from('short').toString('base64url')])
    it(`refuses ${JSON.stringify(bad)} as a rune`, () => assert.throws(() => decodeRune(bad)))
})

describe('rune restrictions (runes.c check_condition, contract §2.3/§2.5)', () => {
  const cases: Array<[string, string[][], Partial<RuneCall>, string | undefined]> = [
    ['no restriction allows all', [], {}, undefined],
    ['method= passes', [['method=getinfo']], {}, undefined],
    ['method= refuses with CLN wording', [['method=invoice']], {}, 'method is not equal to invoice'],
    [
      'alternatives: reasons joined with AND',
      [['method=invoice', 'method=sendpay']],
      { method: 'withdraw' },
      'method is not equal to invoice AND method is not equal to sendpay'
    ],
    ['alternatives: one passing is enough', [['method=invoice', 'method=getinfo']], {}, undefined],
    ['rows are ANDed', [['method^get'], ['method/getinfo']], {}, 'method is equal to getinfo'],
    [
      'readonly refuses sendpay',
      [['method^list', 'method^get', 'method=summary'], ['method/listdatastore']],
      { method: 'sendpay' },
      'method does not start with list AND method does not start with get AND method is not equal to summary'
    ],
    ['$ ends with', [['method$pay']], { method: 'sendpay' }, undefined],
    ['~ contains', [['method~voice']], { method: 'listinvoices' }, undefined],
    ['~ refuses', [['method~xyz']], {}, 'method does not contain xyz'],
    ['{ before', [['method{h']], {}, undefined],
    ['} after refuses', [['method}h']], {}, 'method is the same or ordered before h'],
    ['# comment always passes', [['#anything at all']], {}, undefined],
    ['! absent passes', [['pnamefoo!']], {}, undefined],
    ['! present refuses', [['pnamefoo!']], { params: { foo: 1 } }, 'parameter foo is present'],
    ['an absent field refuses', [['pnameamount_msat<100']], {}, 'parameter amount_msat not present'],
    ['id is never present over REST', [['id=02ab']], {}, 'id not present'],
    ['parrN never matches named params', [['parr0=x']], { params: { a: 'x' } }, 'parr0 not present'],
    [
      'pnameX with underscores: integer compare',
      [['pnameamount_msat<100000001']],
      { method: 'sendpay', params: { amount_msat: 100000001 } },
      'parameter amount_msat is greater or equal to 100000001'
    ],
    ['pnameX integer compare passes', [['pnameamount_msat<100000001']], { params: { amount_msat: 5 } }, undefined],
    ['pnameX without underscores matches too', [['pnameamountmsat<10']], { params: { amount_msat: 5 } }, undefined],
    [
      'a string param is not an integer field',
      [['pnameamount_msat<10']],
      { params: { amount_msat: '5msat' } },
      'parameter amount_msat is not an integer field'
    ],
    ['> on integers', [['pnamen>3']], { params: { n: 4 } }, undefined],
    ['> refuses', [['pnamen>3']], { params: { n: 3 } }, 'parameter n is less or equal to 3'],
    ['pname= compares a string', [['pnamelabel=x']], { params: { label: 'x' } }, undefined],
    ['pnum counts params', [['pnum<2']], { params: { a: 1, b: 2 } }, 'pnum is greater or equal to 2'],
    ['time< in the future passes', [['time<1800000000']], {}, undefined],
    ['time< in the past refuses', [['time<1600000000']], {}, 'time is greater or equal to 1600000000'],
    ['rate= first use passes', [['rate=1']], {}, undefined],
    [
      'rate=1: a second use within 60 s is too soon',
      [['rate=1']],
      { lastUsedMs: 1_700_000_000_000 - 59_000 },
      'too soon'
    ],
    ['rate=1: after 60 s passes', [['rate=1']], { lastUsedMs: 1_700_000_000_000 - 60_000 }, undefined],
    ['per=10sec too soon', [['per=10sec']], { lastUsedMs: 1_700_000_000_000 - 9_000 }, 'too soon'],
    ['per=1min passes after a minute', [['per=1min']], { lastUsedMs: 1_700_000_000_000 - 61_000 }, undefined]
  ]
  for (const [name, rows, over, expected] of cases) {
    it(name, () => {
      assert.equal(checkRestrictions(restrictionsFromParam(rows), call(over)), expected)
    })
  }
})
