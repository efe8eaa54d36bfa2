import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CHANNEL_POLL_MAX_MS, CHANNEL_POLL_MIN_MS, nextChannelPollMs } from '../../src/lightning/cln/channel-poll.js'

/** The CLN adapter's channel poll: backs off while idle, looks again soon after activity. */
describe('CLN channel poll interval', () => {
  it('doubles from 10 s to its 30 s bound while nothing happens, so an idle node is listed twice a minute', () => {
    const seen: number[] = []
    let ms = CHANNEL_POLL_MIN_MS
    for (let i = 0; i < 5; i++) seen.push((ms = nextChannelPollMs(ms, false)))
    assert.deepEqual(seen, [20_000, 30_000, 30_000, 30_000, 30_000])
    assert.equal(CHANNEL_POLL_MAX_MS, 30_000)
  })

  it('goes back to 10 s after activity (a change it saw or a wait reported), whatever it had reached', () => {
    assert.equal(nextChannelPollMs(CHANNEL_POLL_MAX_MS, true), CHANNEL_POLL_MIN_MS)
    assert.equal(nextChannelPollMs(20_000, true), CHANNEL_POLL_MIN_MS)
  })

  it('never goes below its floor, even from a bad previous value', () => {
    assert.equal(nextChannelPollMs(0, false), CHANNEL_POLL_MIN_MS)
    assert.equal(nextChannelPollMs(1, false), CHANNEL_POLL_MIN_MS)
  })
})
