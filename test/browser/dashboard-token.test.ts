import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../helpers/browser.js'
import { SimCluster } from '../../src/sim/cluster.js'
import { instanceConfig } from '../helpers/config.js'
import { startInstance, type Instance } from '../../src/app/instance.js'
import { readmeScenario } from '../helpers/sim.js'
import { tempDir } from '../helpers/daemon.js'

const TOKEN = 'dashboard-token-0123456789'

/** The dashboard of an API that wants a token: asked for in the page, never put in a URL. */
describe('the dashboard with api.token, in headless Chromium', () => {
  let cluster: SimCluster
  let instance: Instance
  let browser: Browser
  let page: Page
  let dir: { path: string; remove: () => Promise<void> }
  const urls: string[] = []

  before(async () => {
    cluster = await SimCluster.start({ scenario: readmeScenario(), dht: false, control: false })
    dir = await tempDir()
    instance = await startInstance(instanceConfig(cluster, ['A', 'B'], dir.path, { api: { token: TOKEN } }), {
      log: () => {},
      swarm: false
    })
    browser = await launchChromium()
    page = await browser.newPage()
    page.on('request', (r) => urls.push(r.url()))
  })
  after(async () => {
    await browser?.close()
    await instance?.stop()
    await cluster?.stop()
    await dir?.remove()
  })

  it('asks for the token, then goes live over a one-time ticket', async () => {
    await page.goto(`${instance.api?.url}/`)
    await page.locator('#login').waitFor({ state: 'visible', timeout: 10_000 })
    assert.equal(await page.locator('#conn').textContent(), 'token needed')
    await page.fill('#token', 'not-the-token-not-the-token')
    await page.click('#login button')
    // Hidden on submit, shown again when the API answers 401.
    await page.locator('#login').waitFor({ state: 'visible', timeout: 10_000 })
    assert.ok(
      urls.some((u) => /\/api\/(events|history|summary)/.test(u)),
      'the wrong token was tried'
    )
    assert.ok(!urls.some((u) => u.includes('/api/stream')), 'no stream for a wrong token')
    await page.fill('#token', TOKEN)
    await page.click('#login button')
    await page.locator('#conn', { hasText: 'live' }).waitFor({ timeout: 10_000 })
    const ab = cluster.channelBetween('A', 'B')?.id as string
    await page.locator(`[data-channel="${ab}:A"]`).waitFor({ timeout: 10_000 })
    await page.locator('#events li', { hasText: 'started' }).first().waitFor({ timeout: 10_000 })
    assert.ok(
      urls.some((u) => /\/api\/stream\?ticket=[A-Za-z0-9_-]{32}$/.test(u)),
      urls.join('\n')
    )
  })

  it('keeps the token for the tab only, and never in a URL', async () => {
    await page.reload()
    await page.locator('#conn', { hasText: 'live' }).waitFor({ timeout: 10_000 })
    assert.equal(await page.locator('#login').isHidden(), true)
    assert.ok(urls.length > 4)
    for (const u of urls) assert.ok(!u.includes(TOKEN) && !u.includes(encodeURIComponent(TOKEN)), u)
    assert.doesNotMatch(page.url(), /token/)
  })
})
