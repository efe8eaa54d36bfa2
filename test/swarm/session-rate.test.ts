import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SessionRate } from '../../src/swarm/session-rate.js'

test('session rate: per remote key and per instance, refilled over time', () => {
  let now = 0
  const rate = new SessionRate(
    { perKey: { burst: 3, perMinute: 6 }, perInstance: { burst: 5, perMinute: 6 } },
    () => now
  )
  assert.deepEqual(
    [1, 2, 3, 4].map(() => rate.take('k1')),
    [true, true, true, false],
    'a key: its burst, then refused'
  )
  now += 10_000 // one token back for the key and for the instance (6 a minute each)
  assert.deepEqual([rate.take('k1'), rate.take('k1')], [true, false])
  assert.deepEqual(
    [1, 2, 3].map(() => rate.take('k2')),
    [true, true, false],
    'a new key: refused once the instance bucket is spent, its own not'
  )
  now += 20_000
  assert.deepEqual([rate.take('k3'), rate.take('k4'), rate.take('k5')], [true, true, false])
})
