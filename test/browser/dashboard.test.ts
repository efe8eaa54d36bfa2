import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../helpers/browser.js'
import { DemoCluster } from '../../src/demo/demo-cluster.js'
import { eventually } from '../helpers/sim.js'
import { push } from '../helpers/daemon.js'

// The callbacks below run in the page; only what they touch of the DOM is declared here.
declare const document: {
  querySelector(s: string): { getAttribute(n: string): string | null } | null
  documentElement: { scrollWidth: number }
}
const failedRequests: string[] = []
declare const window: { innerWidth: number }

// Set UPDATE_SCREENSHOT=1 to refresh docs/dashboard.png from the real page.
const SHOTS = process.env.UPDATE_SCREENSHOT ? join(process.cwd(), 'docs') : undefined

describe('the dashboard in headless Chromium, on the demo cluster', () => {
  let demo: DemoCluster
  let browser: Browser
  let page: Page
  let shots: string

  before(async () => {
    shots = SHOTS ?? (await mkdtemp(join(tmpdir(), 'tightrope-shots-')))
    demo = await DemoCluster.start({})
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } })
    // Every request the page makes must succeed (the icon included) and stay on the daemon.
    page.on('requestfailed', (r) => {
      if (!r.url().includes('/api/stream')) failedRequests.push(`${r.url()} ${r.failure()?.errorText ?? ''}`)
    })
    page.on('response', (r) => {
      if (r.status() >= 400) failedRequests.push(`${r.url()} ${r.status()}`)
    })
    page.on('request', (r) => {
      if (!r.url().startsWith(demo.dashboards.get('alice') ?? '-')) failedRequests.push(`external: ${r.url()}`)
    })
    await page.goto(`${demo.dashboards.get('alice')}/`)
  })
  after(async () => {
    await browser?.close()
    await demo?.stop()
    if (!SHOTS && shots) await rm(shots, { recursive: true, force: true })
  })

  const card = (channelId: string, node: string) => page.locator(`[data-channel="${channelId}:${node}"]`)

  it("shows the demo's channels, live", async () => {
    await page.locator('#conn', { hasText: 'live' }).waitFor({ timeout: 10_000 })
    const ab = demo.sim.channelBetween('A', 'B')?.id as string
    const ac = demo.sim.channelBetween('A', 'C')?.id as string
    await card(ab, 'A').waitFor({ timeout: 10_000 })
    await card(ac, 'A').waitFor({ timeout: 10_000 })
    assert.equal(await card(ab, 'B').getAttribute('data-inside'), 'true')
    assert.match((await page.locator('#peers').textContent()) ?? '', /1 peer/)
    // Both ends of A-B are Alice's: one row holds both sides; A-C's other end is Bob's.
    assert.equal(await page.locator(`[data-row="${ab}"] .side`).count(), 2)
    assert.equal(await page.locator(`[data-row="${ac}"] .side`).count(), 1)
    assert.match((await page.locator(`[data-row="${ab}"] .title`).textContent()) ?? '', /^A ↔ B$/)
    // The peer with the node it proved (C, Alice's channel partner), by name.
    await page.locator('#peerlist .peer', { hasText: 'C (' }).waitFor({ timeout: 10_000 })
    // The node states, one pill per configured node.
    assert.deepEqual(
      await page
        .locator('#nodes .pill')
        .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { state: string } }).dataset.state)),
      ['connected', 'connected']
    )
  })

  it('watches A-B leave its deadzone and come back', async () => {
    const ab = demo.sim.channelBetween('A', 'B')?.id as string
    demo.sim.addFault({ type: 'hold', from: 'B', to: 'A' }) // hold the rebalancing payment in flight
    await push(demo.sim, 'A', 'B', 600_000)
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.getAttribute('data-inside') === 'false',
      `[data-channel="${ab}:A"]`,
      { timeout: 10_000 }
    )
    await eventually(() => demo.sim.network.faults.listHeld()[0], 10_000, 'the rebalancing payment in flight')
    await page.locator(`[data-channel="${ab}:A"] .pill`, { hasText: 'requesting' }).waitFor({ timeout: 10_000 })
    await page.screenshot({ path: join(shots, 'dashboard-out-of-balance.png') })
    demo.sim.network.faults.releaseAll()
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.getAttribute('data-inside') === 'true',
      `[data-channel="${ab}:A"]`,
      { timeout: 10_000 }
    )
    // The activity list speaks in sentences.
    await page
      .locator('#events li[data-type="rebalanced"]', { hasText: 'was rebalanced' })
      .first()
      .waitFor({ timeout: 10_000 })
    // The history chart has the share before, during and after the rebalance.
    await page.waitForFunction(
      (sel) => Number(document.querySelector(sel)?.getAttribute('data-points')) >= 2,
      `[data-row="${ab}"] .chart`,
      { timeout: 20_000 }
    )
    assert.equal(await page.locator(`[data-row="${ab}"] .chart canvas`).count(), 1, 'drawn by uPlot')
    // Totals from the ledger: at least this rebalance, no fee.
    await page
      .locator('[data-total="succeeded"]')
      .filter({ hasText: /^[1-9][\d,]*$/ })
      .waitFor({ timeout: 10_000 })
    assert.equal(await page.locator('[data-total="fees"]').textContent(), '0 sat')
    await page.screenshot({ path: join(shots, 'dashboard.png') })
    assert.ok(existsSync(join(shots, 'dashboard.png')))
  })

  it('stored history: the chart starts from the points the daemon kept, after a reload of the page', async () => {
    const ab = demo.sim.channelBetween('A', 'B')?.id as string
    const history = (await (await fetch(`${demo.dashboards.get('alice')}/api/history`)).json()) as {
      sides: Array<{ channelId: string; node: string; points: Array<[number, number]> }>
      rebalances: unknown[]
    }
    const side = history.sides.find((s) => s.channelId === ab && s.node === 'A')
    assert.ok(side && side.points.length >= 2, JSON.stringify(history.sides))
    assert.ok(
      side.points.some(([, share]) => share < 0.4) && side.points.some(([, share]) => share >= 0.4),
      'out of its deadzone, then back'
    )
    assert.ok(history.rebalances.length > 0)
    await page.reload()
    await page.waitForFunction(
      (sel) => Number(document.querySelector(sel)?.getAttribute('data-points')) >= 2,
      `[data-row="${ab}"] .chart`,
      { timeout: 10_000 }
    )
    assert.deepEqual(failedRequests, [])
  })

  it('fits a phone-sized screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.waitForTimeout(300)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
    await page.screenshot({ path: join(shots, 'dashboard-phone.png'), fullPage: false })
  })
})
