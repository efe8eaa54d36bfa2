import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { failureName, payOnce, type PayArgs } from '../../src/lightning/pay-once.js'

// The settle-once logic around the client's payment subscription (the subscription itself runs
// against the simulator in every payment test): a stand-in emitter plays its events in order.
const args = {} as PayArgs
const playing =
  (...events: Array<[string, unknown]>) =>
  () => {
    const sub = new EventEmitter()
    setImmediate(() => {
      for (const [name, value] of events) sub.emit(name, value)
    })
    return sub
  }

describe('a payment settles once, whatever its stream does after', () => {
  it('confirmed, then the stream errors (LND went away): resolves, nothing is thrown', async () => {
    const paid = await payOnce(
      args,
      playing(
        ['confirmed', { fee: 0, secret: 'aa', hops: [{ channel: '1x1x0' }] }],
        ['error', [503, 'UnexpectedErrorInPaymentStream']]
      )
    )
    assert.deepEqual(paid, { fee: 0, secret: 'aa', hops: [{ channel: '1x1x0' }] })
  })

  it('failed, then an error: rejects with the failure, as pay() names it', async () => {
    await assert.rejects(
      payOnce(args, playing(['failed', { is_invalid_payment: true }], ['error', new Error('late')])),
      (err) => {
        assert.deepEqual(err, [503, 'PaymentRejectedByDestination'])
        return true
      }
    )
  })

  it('an error first: rejects with it', async () => {
    await assert.rejects(payOnce(args, playing(['error', [503, 'UnexpectedPaymentError']])), (err) => {
      assert.deepEqual(err, [503, 'UnexpectedPaymentError'])
      return true
    })
  })

  const table: Array<[Record<string, boolean>, string]> = [
    [{ is_canceled: true }, 'PaymentExecutionCanceled'],
    [{ is_insufficient_balance: true }, 'InsufficientBalanceToAttemptPayment'],
    [{ is_invalid_payment: true }, 'PaymentRejectedByDestination'],
    [{ is_pathfinding_timeout: true }, 'PaymentAttemptsTimedOut'],
    [{ is_route_not_found: true }, 'PaymentPathfindingFailedToFindPossibleRoute'],
    [{}, 'FailedToFindPayableRouteToDestination']
  ]
  for (const [failed, name] of table)
    it(`failure ${JSON.stringify(failed)} is ${name}`, () => assert.equal(failureName(failed), name))
})
