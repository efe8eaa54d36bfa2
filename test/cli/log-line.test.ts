import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { formatFields, formatValue, safeJson, safeText } from '../../src/daemon/log-line.js'

// What a peer sent in the report: an alias that ends the line and forges a success after it.
const FORGED = 'X\n2026-01-01T00:00:00.000Z payment_succeeded channelId=1x1x1 tokens=999999 \u001b[2K\u001b[1A'

describe('log lines: no value can start a line or a control sequence', () => {
  it('plain tokens stay bare (what operators and scripts grep for)', () => {
    assert.equal(
      formatFields({
        channelId: '712345x1234x0',
        node: 'A',
        tokens: 300000,
        url: 'http://127.0.0.1:8470',
        nodes: ['A', 'B']
      }),
      'channelId=712345x1234x0 node=A tokens=300000 url=http://127.0.0.1:8470 nodes=["A","B"]'
    )
  })

  it('a value with a newline, ESC, spaces or quotes is one quoted, escaped token', () => {
    const line = formatFields({ alias: FORGED, reason: 'bad' })
    assert.ok(!line.includes('\n') && !line.includes('\u001b'), line)
    assert.equal(line, `alias=${JSON.stringify(FORGED)} reason=bad`)
    assert.deepEqual(
      JSON.parse(line.slice('alias='.length, line.lastIndexOf(' reason='))),
      FORGED,
      'the value is still readable, exactly'
    )
    assert.equal(formatValue('two words'), '"two words"')
    assert.equal(formatValue('a=b"c'), '"a=b\\"c"')
    assert.equal(formatValue(''), '""')
  })

  it('escapes what JSON.stringify leaves raw: DEL, C1 controls (0x9b is a CSI), line separators, bidi overrides', () => {
    for (const c of ['\u007f', '\u009b', '\u0085', '\u2028', '\u202e', '\u2066']) {
      const out = formatFields({ alias: `a${c}b`, nested: { alias: `a${c}b` } })
      assert.ok(!out.includes(c), `U+${c.charCodeAt(0).toString(16)} escaped: ${out}`)
      assert.deepEqual(JSON.parse(safeJson({ v: `a${c}b` })), { v: `a${c}b` }, 'still valid JSON')
    }
  })

  it('keys and multi-line text are escaped too', () => {
    assert.equal(formatFields({ 'evil\nkey': 1 }), '"evil\\nkey"=1')
    assert.equal(safeText('A\u001b[31m'), 'A\\u001b[31m')
    assert.equal(safeText('█▓· ok ↔'), '█▓· ok ↔', 'printable non-ASCII untouched')
  })
})

describe('JSON output for the terminal', () => {
  it('indented JSON keeps its layout and stays parseable', () => {
    const value = [{ alias: 'a\n\u001b[1A\u009b' }]
    const out = safeJson(value, 2)
    assert.equal(out.split('\n').length, 5)
    assert.ok(!out.includes('\u001b') && !out.includes('\u009b'))
    assert.deepEqual(JSON.parse(out), value)
  })
})
