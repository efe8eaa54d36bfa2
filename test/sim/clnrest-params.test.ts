import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseMsat } from '../../src/sim/rest/params.js'
import { ClnError } from '../../src/sim/rest/errors.js'

/** common/amount.c parse_amount_msat, as clnrest's methods read amounts (contract §3 Amounts). */
describe('clnrest amounts', () => {
  const good: Array<[unknown, number]> = [
    [0, 0],
    [1234, 1234],
    ['1234', 1234],
    ['1234msat', 1234],
    ['5sat', 5000],
    ['5.001sat', 5001],
    ['0.00000001btc', 1000],
    ['1btc', 100_000_000_000],
    ['0.5btc', 50_000_000_000]
  ]
  for (const [input, msat] of good)
    it(`${JSON.stringify(input)} is ${msat} msat`, () => assert.equal(parseMsat('amount_msat', input), msat))

  const bad: unknown[] = [-1, 1.5, '1.5msat', '5.01sat', '12 sat', 'sat', '', null, {}, '99999999999999999999msat']
  for (const input of bad)
    it(`${JSON.stringify(input)} is refused with -32602`, () =>
      assert.throws(
        () => parseMsat('amount_msat', input),
        (err: unknown) => err instanceof ClnError && err.code === -32602 && /^amount_msat: should be/.test(err.message)
      ))
})
