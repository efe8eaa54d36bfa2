import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { formatDuration, isBareDuration, parseDuration } from '../../src/config/duration.js'

describe('parseDuration: the forms the original accepted, in ms', () => {
  // [input, bare unit in ms, expected ms]
  const valid: Array<[unknown, number, number]> = [
    ['60s', 1, 60_000],
    ['10m', 1, 600_000],
    ['4h', 1, 14_400_000],
    ['1d', 1, 86_400_000],
    ['1.5h', 1, 5_400_000],
    ['0.5m', 1, 30_000],
    ['.5m', 1, 30_000],
    ['0s', 1, 0],
    ['250ms', 1, 250],
    // Bare numbers and numeric strings: milliseconds, as the original's time-to-milliseconds helper...
    ['1234', 1, 1234],
    ['100.5', 1, 100],
    [1500, 1, 1500],
    [0, 1, 0],
    // ...or seconds where the field says so (refreshRate: the original multiplied it by 1000).
    [10, 1000, 10_000],
    ['10', 1000, 10_000],
    [1.5, 1000, 1500],
    // A unit always wins over the field's bare unit.
    ['10s', 1000, 10_000],
    ['2m', 1000, 120_000]
  ]
  for (const [input, bare, ms] of valid) {
    it(`${JSON.stringify(input)} (bare unit ${bare} ms) → ${ms} ms`, () => {
      assert.deepEqual(parseDuration(input, bare), { ok: true, ms })
    })
  }

  // Everything the original silently turned into 0 ms, and other junk, is refused with the reason.
  const expected = 'expected a duration like "60s", "10m", "4h" or "1d"'
  const invalid: Array<[unknown, string]> = [
    ['soon', `${expected}, got "soon"`],
    ['-5s', `${expected}, got "-5s"`],
    [-1, `${expected}, got -1`],
    ['4H', `${expected}, got "4H"`],
    ['1t', `${expected}, got "1t"`],
    ['1.1.2s', `${expected}, got "1.1.2s"`],
    ['', `${expected}, got ""`],
    [' 60s', `${expected}, got " 60s"`],
    ['60 s', `${expected}, got "60 s"`],
    ['1e3', `${expected}, got "1e3"`],
    [Number.NaN, `${expected}, got NaN`],
    [Infinity, `${expected}, got Infinity`],
    [true, `${expected}, got true`],
    [null, `${expected}, got null`],
    [undefined, `${expected}, got nothing`],
    [{ s: 60 }, `${expected}, got {"s":60}`],
    ['999999999999d', `${expected}, got "999999999999d" (too long)`]
  ]
  for (const [input, error] of invalid) {
    it(`refuses ${String(JSON.stringify(input))}`, () => {
      assert.deepEqual(parseDuration(input), { ok: false, error })
    })
  }
})

describe('duration helpers', () => {
  const bare: Array<[unknown, boolean]> = [
    [60, true],
    ['60', true],
    ['1.5', true],
    ['60s', false],
    ['soon', false],
    [true, false]
  ]
  for (const [input, expected] of bare) {
    it(`isBareDuration(${JSON.stringify(input)}) is ${expected}`, () => assert.equal(isBareDuration(input), expected))
  }

  const formatted: Array<[number, string]> = [
    [0, '0s'],
    [1500, '1500ms'],
    [60_000, '1m'],
    [90_000, '90s'],
    [14_400_000, '4h'],
    [86_400_000, '1d'],
    [172_800_000, '2d']
  ]
  for (const [ms, text] of formatted) {
    it(`formatDuration(${ms}) is "${text}" and parses back`, () => {
      assert.equal(formatDuration(ms), text)
      assert.deepEqual(parseDuration(text), { ok: true, ms })
    })
  }
})
