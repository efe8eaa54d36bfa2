import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  HEARTBEAT_MS,
  KEEP_MS,
  MAX_POINTS,
  MIN_STEP,
  ShareHistory,
  pruned,
  worthKeeping
} from '../../src/history/share-history.js'
import { tempDir } from '../helpers/daemon.js'

describe('share history: which samples become points', () => {
  const table: Array<[string, [number, number] | undefined, number, number, boolean]> = [
    ['the first sample', undefined, 0, 0.5, true],
    ['no move, soon after', [0, 0.5], 1000, 0.5 + MIN_STEP / 2, false],
    ['a move of MIN_STEP', [0, 0.5], 1000, 0.5 + MIN_STEP, true],
    ['no move, a heartbeat later', [0, 0.5], HEARTBEAT_MS, 0.5, true],
    ['not a share', [0, 0.5], 1000, Number.NaN, false],
    ['out of range', [0, 0.5], 1000, 1.5, false]
  ]
  for (const [name, last, at, share, keep] of table) it(name, () => assert.equal(worthKeeping(last, at, share), keep))

  it('keeps 7 days and at most MAX_POINTS', () => {
    const now = 10 * KEEP_MS
    assert.deepEqual(
      pruned(
        [
          [now - KEEP_MS - 1, 0.1],
          [now - 5, 0.2]
        ],
        now
      ),
      [[now - 5, 0.2]]
    )
    const many = Array.from({ length: MAX_POINTS + 10 }, (_, i): [number, number] => [now - MAX_POINTS - 10 + i, 0.5])
    assert.equal(pruned(many, now).length, MAX_POINTS)
    assert.deepEqual(pruned(many, now)[0], many[10])
  })
})

describe('share history: stored in a real file', () => {
  it('survives a restart, private, and a damaged file starts afresh', async () => {
    const dir = await tempDir()
    try {
      const file = join(dir.path, 'share-history.json')
      const h = await ShareHistory.open(file)
      h.record('1x1x0', 'A', 0.25, 1000)
      h.record('1x1x0', 'A', 0.2501, 2000) // too small a move: no point
      h.record('1x1x0', 'A', 0.5, 3000)
      h.record('1x1x0', 'B', 0.75, 3000)
      await h.save(4000)
      assert.equal((await stat(file)).mode & 0o777, 0o600)
      const again = await ShareHistory.open(file, 4000)
      assert.deepEqual(again.series(0), [
        {
          channelId: '1x1x0',
          node: 'A',
          points: [
            [1000, 0.25],
            [3000, 0.5]
          ]
        },
        { channelId: '1x1x0', node: 'B', points: [[3000, 0.75]] }
      ])
      // From a time on: the point before it too, so a line starts at the left edge.
      assert.deepEqual(again.series(2000)[0]?.points, [
        [1000, 0.25],
        [3000, 0.5]
      ])
      assert.match(await readFile(file, 'utf8'), /^\{"version":1,/)
      // A bad side is skipped, a good one kept; a file that is not JSON at all starts afresh.
      await writeFile(
        file,
        JSON.stringify({
          version: 1,
          sides: [
            { channelId: 1 },
            {
              channelId: '2x2x0',
              node: 'A',
              points: [
                [5, 0.5],
                ['x', 1]
              ]
            }
          ]
        })
      )
      assert.deepEqual((await ShareHistory.open(file, 10)).series(0), [
        { channelId: '2x2x0', node: 'A', points: [[5, 0.5]] }
      ])
      await writeFile(file, '{"version":1,"sides":[{"channelId":1}]} trailing')
      assert.deepEqual((await ShareHistory.open(file)).series(0), [])
    } finally {
      await dir.remove()
    }
  })
})
