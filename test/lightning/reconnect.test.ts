import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { assertSameNode, NodeIdentityChanged, reconnectWithBackoff } from '../../src/lightning/backoff.js'

/** Runs one loop; resolves when `back` ran (with the probes made) or the loop ended without it. */
function loop(answers: boolean[], opts: { stopAfter?: number; backThrows?: boolean } = {}) {
  const stop = new AbortController()
  let probes = 0
  let backs = 0
  const done = new Promise<void>((resolve) => {
    reconnectWithBackoff({
      probe: async () => {
        probes++
        if (opts.stopAfter === probes) {
          stop.abort()
          setImmediate(resolve)
        }
        if (!answers[probes - 1]) throw new Error('no answer')
      },
      stopped: () => stop.signal.aborted,
      signal: stop.signal,
      back: () => {
        backs++
        setImmediate(resolve)
        if (opts.backThrows) throw new Error('a listener threw')
      }
    })
  })
  return done.then(() => ({ probes, backs }))
}

describe('reconnectWithBackoff', () => {
  it('probes until the node answers, then is back once', async () => {
    assert.deepEqual(await loop([false, false, true]), { probes: 3, backs: 1 })
  })

  it('is never back once stopped, even if the last probe answered', async () => {
    assert.deepEqual(await loop([false, true], { stopAfter: 2 }), { probes: 2, backs: 0 })
  })

  it('a listener throwing on what back() emits is not an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      assert.deepEqual(await loop([true], { backThrows: true }), { probes: 1, backs: 1 })
      await new Promise((resolve) => setImmediate(resolve))
      assert.deepEqual(unhandled, [])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('an endpoint answering as another node is refused, said once, and tried again until it is that node', async () => {
    const refusals: string[] = []
    let probes = 0
    let backs = 0
    await new Promise<void>((resolve) => {
      reconnectWithBackoff({
        probe: async () => {
          probes++
          assertSameNode('02' + 'a'.repeat(64), probes < 3 ? '03' + 'b'.repeat(64) : '02' + 'a'.repeat(64), 'LND')
        },
        stopped: () => false,
        signal: new AbortController().signal,
        refused: (reason) => refusals.push(reason),
        back: () => {
          backs++
          resolve()
        }
      })
    })
    assert.deepEqual({ probes, backs }, { probes: 3, backs: 1 })
    assert.equal(refusals.length, 1, 'said once, not per attempt')
    assert.match(refusals[0] ?? '', /^LND now answers as node 03b{64}, not 02a{64}/)
  })

  it('assertSameNode: the same key passes; another key, or no key, is NodeIdentityChanged', () => {
    const key = '02' + 'c'.repeat(64)
    assert.doesNotThrow(() => assertSameNode(key, key, 'x'))
    for (const answered of ['03' + 'c'.repeat(64), undefined, 42, key.toUpperCase()])
      assert.throws(() => assertSameNode(key, answered, 'x'), NodeIdentityChanged)
  })
})
