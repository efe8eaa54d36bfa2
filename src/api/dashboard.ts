import { createHash } from 'node:crypto'
import { ACCOUNTS_PANEL_HTML, ACCOUNTS_PANEL_JS } from '../accounts/panel.js'

/**
 * The dashboard: one page served by the daemon with everything it loads (uPlot for the charts,
 * the icon: see assets.ts; no CDN, no external request), following the daemon live over
 * server-sent events. One card per channel, both sides in it when both nodes are ours: each side's
 * bar shows the local share, the deadzone band and the balance point, with its next action and
 * why; the chart shows the share over the last hours or days (from the stored history, extended
 * live). Beside them: totals from the ledger, the peers with the nodes they proved, and recent
 * activity in sentences. When the API wants a token the page asks for it
 * and keeps it in the tab's sessionStorage: it travels in the Authorization header only, never in a
 * URL (history, logs). The live stream opens with a one-time ticket fetched with that header.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tightrope</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/uplot.css">
<style>
  :root { --bg:#0f1419; --card:#1a2129; --text:#e6e9ef; --muted:#8b96a5; --accent:#4fb3ff; --ok:#3fb950;
          --warn:#d29922; --bad:#f85149; --band:rgba(63,185,80,.18) }
  * { box-sizing: border-box }
  body { margin:0; font:15px/1.4 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; background:var(--bg); color:var(--text) }
  header { padding:14px 18px; border-bottom:1px solid #263040; display:flex; flex-wrap:wrap; gap:8px 18px; align-items:baseline }
  h1 { font-size:20px; margin:0 }
  h2 { font-size:14px; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); margin:18px 0 8px;
       display:flex; justify-content:space-between; align-items:center; gap:8px }
  .pill { font-size:12px; padding:2px 8px; border-radius:10px; background:#263040; color:var(--muted) }
  .pill.on { color:var(--ok) } .pill.off { color:var(--bad) } .pill.dry { color:var(--warn) }
  main { padding:0 18px 24px; display:grid; grid-template-columns: minmax(0,2fr) minmax(0,1fr); gap:0 24px }
  @media (max-width: 760px) { main { grid-template-columns: minmax(0,1fr) } header { padding:12px } main { padding:0 12px 18px } }
  .card { background:var(--card); border-radius:8px; padding:12px 14px; margin-bottom:10px }
  .row { display:flex; justify-content:space-between; gap:8px; flex-wrap:wrap }
  .title { font-weight:600 } .id { color:var(--muted); font-size:12px }
  .side { margin-top:6px }
  .bar { position:relative; height:18px; background:#0b0f14; border-radius:4px; margin:6px 0 4px; overflow:hidden }
  .band { position:absolute; top:0; bottom:0; background:var(--band); border-left:1px dashed var(--ok); border-right:1px dashed var(--ok) }
  .fill { position:absolute; top:3px; bottom:3px; left:0; background:var(--accent); border-radius:3px; transition:width .4s }
  .out .fill { background:var(--warn) }
  .point { position:absolute; top:0; bottom:0; width:2px; background:var(--text); opacity:.7 }
  .next { font-size:13px; color:var(--muted) }
  .share { font-variant-numeric: tabular-nums; font-size:13px }
  .share .who { color:var(--series, var(--text)); font-weight:600 }
  .chart { margin-top:8px; min-height:120px }
  .chart .u-legend { font-size:12px; color:var(--muted) }
  .range button { background:#263040; color:var(--muted); border:0; border-radius:10px; padding:2px 8px; font-size:12px; cursor:pointer }
  .range button[aria-pressed="true"] { color:var(--text); background:#33415a }
  ul { list-style:none; margin:0; padding:0 }
  li.ev { font-size:13px; padding:6px 0; border-bottom:1px solid #263040; overflow-wrap:anywhere }
  li.ev .t { color:var(--muted); margin-right:6px; font-variant-numeric: tabular-nums }
  li.ev.good .k { color:var(--ok) } li.ev.bad .k { color:var(--bad) }
  dl.totals { display:grid; grid-template-columns:auto auto; gap:4px 12px; margin:0; font-size:14px }
  dl.totals dt { color:var(--muted) } dl.totals dd { margin:0; text-align:right; font-variant-numeric: tabular-nums }
  .peer { font-size:13px; padding:4px 0 }
  .empty { color:var(--muted); font-size:13px }
  #login { display:flex; gap:6px; align-items:center; font-size:13px }
  #login[hidden] { display:none }
  #login input { background:#0b0f14; color:var(--text); border:1px solid #263040; border-radius:4px; padding:3px 6px }
</style>
</head>
<body>
<header>
  <h1>Tightrope</h1>
  <span id="conn" class="pill off">connecting…</span>
  <span id="dry" class="pill dry" hidden>dry run</span>
  <span id="nodes"></span>
  <span id="peers" class="pill"></span>
  <form id="login" hidden>
    <label for="token">API token</label><input id="token" type="password" autocomplete="off" required><button type="submit">Connect</button>
  </form>
</header>
<main>
  <section>
    <h2>Watched channels <span class="range" id="range"><button data-hours="6" aria-pressed="true">6 h</button>
      <button data-hours="24" aria-pressed="false">24 h</button>
      <button data-hours="168" aria-pressed="false">7 d</button></span></h2>
    <div id="channels"><p class="empty">No watched channel yet: channels appear when both ends are nodes of the cluster.</p></div>
  </section>
  <section>
    <h2>Totals</h2>
    <div class="card"><dl class="totals" id="totals"></dl></div>
    <h2>Peers</h2>
    <div class="card" id="peerlist"><p class="empty">No other instance connected.</p></div>${ACCOUNTS_PANEL_HTML}
    <h2>Recent activity</h2>
    <ul id="events"></ul>
  </section>
</main>
<script src="/assets/uplot.js"></script>
<script>
(() => {
  const KEY = 'tightrope-api-token'
  let token = sessionStorage.getItem(KEY)
  class NeedToken extends Error {}
  const api = (path) => fetch(path, { headers: token ? { authorization: 'Bearer ' + token } : {}, cache: 'no-store' })
    .then((r) => { if (r.status === 401) throw new NeedToken(); if (!r.ok) throw new Error(r.status); return r.json() })
  const $ = (id) => document.getElementById(id)
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&':'&amp;', '<':'&lt;', '>':'&gt;', '"':'&quot;', "'":'&#39;' }[c]))
  const pct = (x) => (100 * x).toFixed(1) + '%'
  const num = (n) => Number(n || 0).toLocaleString()
  const GOOD = /^(rebalanced|payment_succeeded|peer_authenticated|node_reconnected|node_connected|started|config_reloaded)$/
  const BAD = /(refused|failed|error|dropped|unreachable|disconnected|not_done)/
  const COLORS = ['#4fb3ff', '#e07bff']
  /** A live point when the share moved, or at least this often. */
  const LIVE_HEARTBEAT_S = 60

  let hours = 6
  /** 'channelId:node' -> [[t (s), share %], ...]: stored history, extended live. */
  const points = new Map()
  /** channelId -> { plot, el, sides } */
  const charts = new Map()
  let lastStatus

  function renderStatus (s) {
    lastStatus = s
    $('dry').hidden = !s.instance.dryRun
    // One pill per configured node: its state, and on hover its endpoint and last error.
    $('nodes').innerHTML = s.nodes.map((n) => '<span class="pill ' +
      ({ connected: 'on', connecting: 'dry', lost: 'off' }[n.state] || 'off') + '" data-node="' + esc(n.endpoint) +
      '" data-state="' + esc(n.state) + '" title="' + esc(n.endpoint + ' · ' + n.state + ' since ' +
      new Date(n.since).toLocaleTimeString() + (n.error ? ' · ' + n.error : '')) + '">' + esc(n.alias) +
      (n.state === 'connected' ? '' : ' · ' + esc(n.state)) + '</span>').join(' ')
    $('peers').textContent = s.peers.length + ' peer' + (s.peers.length === 1 ? '' : 's')
    $('peerlist').innerHTML = s.peers.length === 0 ? '<p class="empty">No other instance connected.</p>' : s.peers.map((p) =>
      '<div class="peer" data-peer="' + esc(p.key) + '"><span class="pill on">connected</span> ' + esc(p.key.slice(0, 12)) + '… proved ' +
      (p.nodes.length ? p.nodes.map((n) => esc(n.alias) + ' (' + esc(n.publicKey.slice(0, 10)) +
        '…)').join(', ') : 'no node of use to us yet') + '</div>').join('')
    if (s.channels.length === 0) return
    const now = Date.now() / 1000
    for (const c of s.channels) {
      const k = c.channelId + ':' + c.node
      const list = points.get(k) || []
      const last = list[list.length - 1]
      if (!last || Math.abs(last[1] - 100 * c.share) >= 0.1 || now - last[0] >= LIVE_HEARTBEAT_S) {
        list.push([now, 100 * c.share])
        points.set(k, list)
      }
    }
    renderChannels(s)
  }

  /** Cards keyed by channel: rebuilt only when the set of channels changes; updated in place. */
  function renderChannels (s) {
    const byChannel = new Map()
    for (const c of s.channels) { if (!byChannel.has(c.channelId)) byChannel.set(c.channelId, []); byChannel.get(c.channelId).push(c) }
    const ids = [...byChannel.keys()].join(',')
    const box = $('channels')
    if (box.dataset.ids !== ids) {
      box.dataset.ids = ids
      for (const { plot } of charts.values()) plot.destroy()
      charts.clear()
      box.innerHTML = [...byChannel].map(([id, sides]) => {
        const names = sides.length > 1 ? esc(sides[0].node) + ' ↔ ' + esc(sides[1].node) : esc(sides[0].node) +
          ' ↔ ' + esc(sides[0].partnerAlias || sides[0].partner.slice(0, 12) + '…')
        return '<div class="card" data-row="' + esc(id) + '"><div class="row"><span class="title">' + names +
          '</span><span class="id">' + esc(id) + (sides.length > 1 ? ' · both ends ours' : '') + '</span></div>' +
          sides.map((c, i) => '<div class="side" style="--series:' + COLORS[i % COLORS.length] +
            '" data-channel="' + esc(c.channelId) + ':' + esc(c.node) + '"></div>').join('') +
          '<div class="chart" data-points="0"></div></div>'
      }).join('')
      for (const [id, sides] of byChannel) makeChart(id, sides)
    }
    for (const c of s.channels) {
      const el = box.querySelector('[data-channel="' + CSS.escape(c.channelId + ':' + c.node) + '"]')
      if (!el) continue
      const inside = c.share >= c.low - 1e-9 && c.share <= c.high + 1e-9
      el.className = 'side ' + (inside ? 'in' : 'out')
      el.dataset.share = c.share
      el.dataset.inside = inside
      el.innerHTML = '<div class="row"><span class="share"><span class="who">' + esc(c.node) +
        '</span>: local ' + pct(c.share) + ' · target ' + pct(c.balancePoint) + ' ± ' + pct(c.deadzone) + '</span>' +
        (c.inFlight ? '<span class="pill">requesting ' + num(c.inFlight.tokens) + ' sat</span>' : '') + '</div>' +
        '<div class="bar" title="local share, deadzone band and balance point">' +
          '<div class="band" style="left:' + pct(Math.max(0, c.low)) + ';width:' +
            pct(Math.min(1, c.high) - Math.max(0, c.low)) + '"></div>' +
          '<div class="fill" style="width:' + pct(c.share) + '"></div>' +
          '<div class="point" style="left:' + pct(c.balancePoint) + '"></div>' +
        '</div><div class="next">' + esc(sentence(c)) + '</div>'
    }
    for (const id of charts.keys()) drawChart(id)
  }

  function sentence (c) {
    if (c.next.action === 'none' && c.next.reason === 'balanced') return 'Balanced: nothing to do.'
    const verb = { request: 'Next: asking to be paid', wait: 'Waiting', none: 'Nothing to do' }[c.next.action] || c.next.action
    return verb + ' — ' + c.next.detail
  }

  function makeChart (id, sides) {
    const row = $('channels').querySelector('[data-row="' + CSS.escape(id) + '"]')
    const el = row.querySelector('.chart')
    const width = Math.max(240, el.clientWidth || row.clientWidth - 28)
    const first = sides[0]
    const opts = {
      // The sides' names are coloured like their lines above the chart, so no legend.
      width, height: 120, legend: { show: false }, cursor: { y: false },
      scales: { y: { range: [0, 100] } },
      axes: [
        { stroke: '#8b96a5', grid: { stroke: '#263040' } },
        { stroke: '#8b96a5', grid: { stroke: '#263040' }, size: 50, values: (u, v) => v.map((x) => x + '%') }
      ],
      series: [{}].concat(
        sides.map((c, i) => ({
          label: c.node + ' local %', stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true, points: { show: false }
        })),
        [0, 1].map(() => ({ label: 'deadzone', stroke: 'rgba(63,185,80,.6)', dash: [4, 4], width: 1, points: { show: false } })))
    }
    const plot = new uPlot(opts, [[]].concat(sides.map(() => []), [[], []]), el)
    charts.set(id, { plot, el, sides: sides.map((c) => c.channelId + ':' + c.node), low: first.low, high: first.high })
  }

  function drawChart (id) {
    const ch = charts.get(id)
    const now = Date.now() / 1000
    const from = now - hours * 3600
    const seen = [...new Set(ch.sides.flatMap((k) => (points.get(k) || []).filter(([t]) => t >= from).map(([t]) => t)))]
      .sort((a, b) => a - b)
    // From the first point (at least the last 10 minutes, so a fresh start is not stretched over
    // seconds) to now: the lines run to the right edge, the deadzone across the whole chart.
    const ts = [Math.min(seen.length ? seen[0] : now, now - 600)].concat(seen.filter((t) => t < now), [now])
    // Each side's value at each time: its latest point at or before it (a step line).
    const cols = ch.sides.map((k) => {
      const list = (points.get(k) || [])
      let i = 0
      let last = null
      return ts.map((t) => { while (i < list.length && list[i][0] <= t) last = list[i++][1]; return last })
    })
    const low = ts.map(() => 100 * ch.low)
    const high = ts.map(() => 100 * ch.high)
    ch.plot.setData([ts].concat(cols, [low, high]))
    ch.el.dataset.points = seen.length
  }

  function loadHistory () {
    const since = Date.now() - 168 * 3600 * 1000
    return api('/api/history?since=' + since).then((h) => {
      for (const s of h.sides) {
        const k = s.channelId + ':' + s.node
        const live = (points.get(k) || []).filter(([t]) => t * 1000 > (s.points.length ? s.points[s.points.length - 1][0] : 0))
        points.set(k, s.points.map(([t, v]) => [t / 1000, 100 * v]).concat(live))
      }
    })
  }

  function loadTotals () {
    return api('/api/summary').then((t) => {
      const refusals = Object.entries(t.refusals)
      $('totals').innerHTML = '<dt>rebalances done</dt><dd data-total="succeeded">' + num(t.rebalances.succeeded) + '</dd>' +
        '<dt>not done (refused / failed / expired)</dt><dd>' + num(t.rebalances.refused) + ' / ' +
          num(t.rebalances.failed) + ' / ' + num(t.rebalances.expired) + '</dd>' +
        '<dt>sats received</dt><dd>' + num(t.receivedSats) + '</dd><dt>sats paid</dt><dd>' + num(t.paidSats) + '</dd>' +
        '<dt>fees paid</dt><dd data-total="fees">' + num(t.feesPaidSats) + ' sat</dd>' +
        (refusals.length
          ? refusals.map(([r, n]) => '<dt>refused: ' + esc(r) + '</dt><dd>' + num(n) + '</dd>').join('')
          : '<dt>refusals</dt><dd>0</dd>')
    })
  }

  function addEvent (e, atTop) {
    if (e.type === 'decision' || e.type === 'channel_watched') return
    const li = document.createElement('li')
    li.className = 'ev' + (GOOD.test(e.type) ? ' good' : BAD.test(e.type) ? ' bad' : '')
    li.dataset.type = e.type
    li.innerHTML = '<span class="t">' + new Date(e.at).toLocaleTimeString() + '</span><span class="k">' + esc(e.text || e.type) + '</span>'
    const list = $('events')
    if (atTop) list.prepend(li); else list.append(li)
    while (list.children.length > 60) list.lastChild.remove()
    if (/^(rebalanced|payment_(succeeded|refused|failed)|rebalance_not_done)$/.test(e.type)) void loadTotals().catch(() => {})
  }

  function askToken () {
    token = null
    sessionStorage.removeItem(KEY)
    $('conn').textContent = 'token needed'; $('conn').className = 'pill off'
    $('login').hidden = false
    $('token').focus()
  }
  $('login').addEventListener('submit', (ev) => {
    ev.preventDefault()
    token = $('token').value
    sessionStorage.setItem(KEY, token)
    $('token').value = ''
    $('login').hidden = true
    start()
  })
  $('range').addEventListener('click', (ev) => {
    const h = Number(ev.target.dataset && ev.target.dataset.hours)
    if (!h) return
    hours = h
    for (const b of $('range').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b === ev.target))
    for (const id of charts.keys()) drawChart(id)
  })
  window.addEventListener('resize', () => {
    for (const ch of charts.values()) ch.plot.setSize({ width: Math.max(240, ch.el.clientWidth), height: 120 })
  })

  // A ticket works once: every (re)connection fetches a new one.
  function connect () {
    api('/api/stream-ticket').then((t) => {
      const source = new EventSource('/api/stream?ticket=' + encodeURIComponent(t.ticket))
      source.addEventListener('open', () => { $('conn').textContent = 'live'; $('conn').className = 'pill on' })
      source.addEventListener('error', () => {
        source.close()
        $('conn').textContent = 'reconnecting…'; $('conn').className = 'pill off'
        setTimeout(connect, 2000)
      })
      source.addEventListener('status', (m) => renderStatus(JSON.parse(m.data)))
      source.addEventListener('log', (m) => addEvent(JSON.parse(m.data), true))
    }).catch((err) => { if (err instanceof NeedToken) askToken(); else setTimeout(connect, 2000) })
  }

  function start () {
    Promise.all([loadHistory(), loadTotals()]).then(() => api('/api/events?limit=1')).then((p) =>
      api('/api/events?limit=60&offset=' + Math.max(0, p.total - 60)).then((page) => {
        $('events').textContent = ''
        page.entries.reverse().forEach((e) => addEvent(e, false))
        connect()
      })
    ).catch((err) => { if (err instanceof NeedToken) askToken(); else connect() })
  }
  // The stored history catches up with what this tab missed (e.g. while it was in the background).
  setInterval(() => {
    if ($('login').hidden) void loadHistory().then(() => { for (const id of charts.keys()) drawChart(id) }).catch(() => {})
  }, 60000)
  start()
${ACCOUNTS_PANEL_JS}})()
</script>
</body>
</html>
`

// The page's own script is the only one allowed to run (by its hash), and it may only talk to this API.
const SCRIPT = /<script>([\s\S]*)<\/script>/.exec(DASHBOARD_HTML)?.[1] ?? ''
// 'self' for uPlot and its stylesheet, served by the daemon (assets.ts; every API answer is JSON
// with nosniff, never runnable as a script); images only the icon.
export const DASHBOARD_CSP =
  `default-src 'none'; script-src 'self' ` +
  `'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; style-src ` +
  `'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; form-action 'none'; ` +
  `frame-ancestors 'none'; base-uri 'none'`
