import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { reconnectWithBackoff } from '../../src/lightning/backoff.js'

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
})
