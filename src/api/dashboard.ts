import { createHash } from 'node:crypto'
import { ACCOUNTS_PANEL_HTML, ACCOUNTS_PANEL_JS } from '../accounts/panel.js'

/**
 * The dashboard: one self-contained page (no CDN, no external asset) that follows the daemon live
 * over server-sent events. Channel bars show the local share, the deadzone band and the balance
 * point; each card says the next action and why. When the API wants a token the page asks for it
 * and keeps it in the tab's sessionStorage: it travels in the Authorization header only, never in a
 * URL (history, logs). The live stream opens with a one-time ticket fetched with that header.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tightrope</title>
<style>
  :root { --bg:#0f1419; --card:#1a2129; --text:#e6e9ef; --muted:#8b96a5; --accent:#4fb3ff; --ok:#3fb950; --warn:#d29922; --bad:#f85149; --band:rgba(63,185,80,.18) }
  * { box-sizing: border-box }
  body { margin:0; font:15px/1.4 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; background:var(--bg); color:var(--text) }
  header { padding:14px 18px; border-bottom:1px solid #263040; display:flex; flex-wrap:wrap; gap:8px 18px; align-items:baseline }
  h1 { font-size:20px; margin:0 }
  h2 { font-size:14px; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); margin:18px 0 8px }
  .pill { font-size:12px; padding:2px 8px; border-radius:10px; background:#263040; color:var(--muted) }
  .pill.on { color:var(--ok) } .pill.off { color:var(--bad) } .pill.dry { color:var(--warn) }
  main { padding:0 18px 24px; display:grid; grid-template-columns: minmax(0,2fr) minmax(0,1fr); gap:0 24px }
  @media (max-width: 760px) { main { grid-template-columns: minmax(0,1fr) } header { padding:12px } main { padding:0 12px 18px } }
  .card { background:var(--card); border-radius:8px; padding:12px 14px; margin-bottom:10px }
  .row { display:flex; justify-content:space-between; gap:8px; flex-wrap:wrap }
  .title { font-weight:600 } .id { color:var(--muted); font-size:12px }
  .bar { position:relative; height:18px; background:#0b0f14; border-radius:4px; margin:8px 0 6px; overflow:hidden }
  .band { position:absolute; top:0; bottom:0; background:var(--band); border-left:1px dashed var(--ok); border-right:1px dashed var(--ok) }
  .fill { position:absolute; top:3px; bottom:3px; left:0; background:var(--accent); border-radius:3px; transition:width .4s }
  .out .fill { background:var(--warn) }
  .point { position:absolute; top:0; bottom:0; width:2px; background:var(--text); opacity:.7 }
  .next { font-size:13px; color:var(--muted) }
  .share { font-variant-numeric: tabular-nums }
  ul { list-style:none; margin:0; padding:0 }
  li.ev { font-size:13px; padding:6px 0; border-bottom:1px solid #263040; overflow-wrap:anywhere }
  li.ev .t { color:var(--muted); margin-right:6px; font-variant-numeric: tabular-nums }
  li.ev.good .k { color:var(--ok) } li.ev.bad .k { color:var(--bad) }
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
  <form id="login" hidden><label for="token">API token</label><input id="token" type="password" autocomplete="off" required><button type="submit">Connect</button></form>
</header>
<main>
  <section>
    <h2>Watched channels</h2>
    <div id="channels"><p class="empty">No watched channel yet: channels appear when both ends are nodes of the cluster.</p></div>
  </section>
  <section>
    <h2>Recent activity</h2>
    <ul id="events"></ul>
  </section>${ACCOUNTS_PANEL_HTML}
</main>
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
  const GOOD = /^(rebalanced|payment_succeeded|peer_authenticated|node_reconnected|started)$/
  const BAD = /(refused|failed|error|dropped|unreachable|disconnected|not_done)/

  function renderStatus (s) {
    $('dry').hidden = !s.instance.dryRun
    $('nodes').innerHTML = s.nodes.map((n) => '<span class="pill ' + (n.connected ? 'on' : 'off') + '">' + esc(n.alias) + '</span>').join(' ')
    $('peers').textContent = s.peers.length + ' peer' + (s.peers.length === 1 ? '' : 's')
    if (s.channels.length === 0) return
    $('channels').innerHTML = s.channels.map((c) => {
      const inside = c.share >= c.low - 1e-9 && c.share <= c.high + 1e-9
      const partner = c.partnerAlias || c.partner.slice(0, 12) + '…'
      return '<div class="card ' + (inside ? 'in' : 'out') + '" data-channel="' + esc(c.channelId) + ':' + esc(c.node) + '" data-share="' + c.share + '" data-inside="' + inside + '">' +
        '<div class="row"><span class="title">' + esc(c.node) + ' ↔ ' + esc(partner) + '</span><span class="id">' + esc(c.channelId) + '</span></div>' +
        '<div class="bar" title="local share, deadzone band and balance point">' +
          '<div class="band" style="left:' + pct(Math.max(0, c.low)) + ';width:' + pct(Math.min(1, c.high) - Math.max(0, c.low)) + '"></div>' +
          '<div class="fill" style="width:' + pct(c.share) + '"></div>' +
          '<div class="point" style="left:' + pct(c.balancePoint) + '"></div>' +
        '</div>' +
        '<div class="row"><span class="share">local ' + pct(c.share) + ' · target ' + pct(c.balancePoint) + ' ± ' + pct(c.deadzone) + '</span>' +
        (c.inFlight ? '<span class="pill">requesting ' + c.inFlight.tokens.toLocaleString() + ' sat</span>' : '') + '</div>' +
        '<div class="next">' + esc(c.next.action) + ': ' + esc(c.next.detail) + '</div></div>'
    }).join('')
  }

  function addEvent (e, atTop) {
    if (e.type === 'decision' || e.type === 'channel_watched') return
    const li = document.createElement('li')
    li.className = 'ev' + (GOOD.test(e.type) ? ' good' : BAD.test(e.type) ? ' bad' : '')
    const fields = Object.entries(e).filter(([k]) => !['type', 'at', 'kind', 'index'].includes(k)).map(([k, v]) => k + '=' + (typeof v === 'string' ? v : JSON.stringify(v))).join(' ')
    li.innerHTML = '<span class="t">' + new Date(e.at).toLocaleTimeString() + '</span><span class="k">' + esc(e.type) + '</span> ' + esc(fields.slice(0, 240))
    const list = $('events')
    if (atTop) list.prepend(li); else list.append(li)
    while (list.children.length > 60) list.lastChild.remove()
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
    api('/api/events?limit=1').then((p) =>
      api('/api/events?limit=60&offset=' + Math.max(0, p.total - 60)).then((page) => {
        $('events').textContent = ''
        page.entries.reverse().forEach((e) => addEvent(e, false))
        connect()
      })
    ).catch((err) => { if (err instanceof NeedToken) askToken(); else connect() })
  }
  start()
${ACCOUNTS_PANEL_JS}})()
</script>
</body>
</html>
`

// The page's own script is the only one allowed to run (by its hash), and it may only talk to this API.
const SCRIPT = /<script>([\s\S]*)<\/script>/.exec(DASHBOARD_HTML)?.[1] ?? ''
export const DASHBOARD_CSP = `default-src 'none'; script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`
