import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { REQUEST_SLOTS, requestSlotFree, slotWait } from '../../src/daemon/request-slots.js'
import { DEFAULT_BUDGET } from '../../src/swarm/budget.js'

describe('the requester asks no more at once than a payer admits', () => {
  it('is the payer budget: per requesting node and in all', () => {
    assert.equal(REQUEST_SLOTS.perNode, DEFAULT_BUDGET.inFlightPerNode)
    assert.equal(REQUEST_SLOTS.total, DEFAULT_BUDGET.inFlightPerInstance)
  })

  it('frees a slot below both limits only', () => {
    const slots = { perNode: 2, total: 3 }
    assert.equal(requestSlotFree({ node: 0, total: 0 }, slots), true)
    assert.equal(requestSlotFree({ node: 1, total: 2 }, slots), true)
    assert.equal(requestSlotFree({ node: 2, total: 2 }, slots), false, 'the node has its share')
    assert.equal(requestSlotFree({ node: 0, total: 3 }, slots), false, 'the instance has its share')
  })

  it('a side that would ask shows it waits for a slot (not "request") while none is free', () => {
    const slots = { perNode: 2, total: 3 }
    assert.equal(slotWait(5_000, { node: 1, total: 1 }, slots), undefined, 'a slot is free: it asks')
    const wait = slotWait(5_000, { node: 2, total: 2 }, slots)
    assert.equal(wait?.action, 'wait')
    assert.equal(wait?.reason, 'requestSlot')
    assert.match(
      wait?.detail ?? '',
      /request slot to ask for 5000 sats \(requests out: 2 of 2 for this node, 2 of 3 in all\)/
    )
  })
})
