import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { defused, safeText } from '../../src/core/safe-text.js'
import { safeJson } from '../../src/daemon/log-line.js'

// Each would let a value start a new line, a control sequence, or read as other text.
const UNSAFE = [
  '\u001b',
  '\n',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff'
]

describe('one rule for unsafe text (core/safe-text)', () => {
  it("a peer's text (defused) and the terminal's (safeText) drop the same characters", () => {
    for (const ch of UNSAFE) {
      const hex = ch.charCodeAt(0).toString(16)
      assert.equal(defused(`a${ch}b`), 'a?b', `U+${hex} replaced in a peer's text`)
      assert.equal(safeText(`a${ch}b`), `a\\u${hex.padStart(4, '0')}b`, `U+${hex} escaped for the terminal`)
      assert.deepEqual(JSON.parse(safeJson({ v: `a${ch}b` })), { v: `a${ch}b` }, 'JSON stays exact')
      assert.ok(!safeJson({ v: `a${ch}b` }).includes(ch))
    }
  })

  it('printable text, non-ASCII included, is untouched; an astral format character is escaped as valid JSON', () => {
    for (const s of ['█▓· ok ↔', 'Zoë', '日本', 'emoji 🎉']) {
      assert.equal(defused(s), s)
      assert.equal(safeText(s), s)
    }
    const tag = '\u{e0041}' // a tag character: format (Cf), outside the BMP
    assert.equal(defused(`a${tag}`), 'a?')
    assert.deepEqual(JSON.parse(safeJson({ v: `a${tag}` })), { v: `a${tag}` })
  })
})
