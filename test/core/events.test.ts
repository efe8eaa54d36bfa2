import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  EVENT_CATALOGUE,
  EVENT_TYPES,
  eventCatalogueMarkdown,
  isEventType,
  type TightropeEvent
} from '../../src/core/events.js'
import { eventLine, parseEventLine } from '../../src/daemon/log-line.js'
import { PACKAGE_ROOT } from '../../src/package-root.js'

describe('the event catalogue', () => {
  it('is what docs/operations.md lists, generated from the one definition', async () => {
    const doc = await readFile(join(PACKAGE_ROOT, 'docs', 'operations.md'), 'utf8')
    const section =
      /<!-- event catalogue: generated from src\/core\/events\.ts -->\n([\s\S]*?)<!-- end of event catalogue -->/.exec(
        doc
      )?.[1]
    assert.equal(section, eventCatalogueMarkdown(), 'regenerate the list with eventCatalogueMarkdown()')
    for (const type of EVENT_TYPES) assert.ok(section?.includes(`\`${type}\``), type)
  })

  it('knows its own types and no others', () => {
    assert.ok(isEventType('payer_unreachable'))
    assert.ok(!isEventType('toString'), 'inherited names are not event types')
    assert.ok(!isEventType('test_marker'))
    assert.equal(new Set(EVENT_TYPES).size, EVENT_TYPES.length)
    assert.ok(EVENT_TYPES.every((t) => EVENT_CATALOGUE[t].doc.length > 0))
  })
})

describe('log lines', () => {
  const event: TightropeEvent = {
    type: 'node_proven',
    at: Date.parse('2026-01-01T12:00:00.000Z'),
    peer: 'abc',
    node: '02ff',
    alias: 'evil\n2026-01-01T00:00:00.000Z stopped'
  }

  it('text: time, type and escaped key=value pairs on one line', () => {
    const line = eventLine(event, 'text')
    assert.equal(
      line,
      '2026-01-01T12:00:00.000Z node_proven peer=abc node=02ff alias="evil\\n2026-01-01T00:00:00.000Z stopped"'
    )
    assert.equal(parseEventLine(line), undefined, 'a text line is not read as JSON')
  })

  it('json: one object a line that reads back as the same event', () => {
    const line = eventLine(event, 'json')
    assert.ok(!line.includes('\n'))
    assert.deepEqual(JSON.parse(line), {
      time: '2026-01-01T12:00:00.000Z',
      type: 'node_proven',
      peer: 'abc',
      node: '02ff',
      alias: event.alias
    })
    assert.deepEqual(parseEventLine(line), event)
  })

  it('json: C1 controls and bidi overrides from a peer are escaped, not raw', () => {
    const line = eventLine({ ...event, alias: 'a\u009bb\u202ec' }, 'json')
    assert.ok(!/[\u009b\u202e]/.test(line), line)
    assert.equal((parseEventLine(line) as { alias?: string }).alias, 'a\u009bb\u202ec')
  })

  it('anything else is not an event', () => {
    for (const line of ['', 'TypeError: x', '{', '{"type":"stopped"}', '{"time":1,"type":"x"}'])
      assert.equal(parseEventLine(line), undefined, line)
  })
})

describe('tightrope start --log-format', () => {
  it('takes text or json, and refuses anything else with a usage error', async () => {
    const { parseStart } = await import('../../src/cli/commands/start/options.js')
    const { UsageError } = await import('../../src/cli/usage-error.js')
    assert.deepEqual(parseStart([]), { dryRun: false, logFormat: 'text' })
    assert.deepEqual(parseStart(['--log-format', 'json']), { dryRun: false, logFormat: 'json' })
    assert.throws(
      () => parseStart(['--log-format', 'xml']),
      (err: unknown) => err instanceof UsageError && /--log-format must be one of text, json/.test(err.message)
    )
  })
})
