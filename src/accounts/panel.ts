/**
 * The dashboard's accounts panel (src/api/dashboard.ts places both parts): per counterparty what
 * each side paid, the net, the cap in use and whether its statement agrees. The script runs inside
 * the page's own script (one CSP hash), using its api(), $() and esc(); every value is escaped.
 */
export const ACCOUNTS_PANEL_HTML = `
  <section id="accounts-section">
    <h2>Accounts with other operators</h2>
    <div id="accounts"><p class="empty">No payment with another operator yet.</p></div>
  </section>`

export const ACCOUNTS_PANEL_JS = `
  function renderAccounts (r) {
    if (r.counterparties.length === 0) return
    const sat = (n) => Number(n).toLocaleString() + ' sat'
    $('accounts').innerHTML = r.counterparties.map((c) => {
      const st = c.statement
      const verdict = !st.shared ? 'no statement yet' : st.agrees ? 'statement agrees' : st.problems.length + ' disagreement(s)'
      const cap = c.cap.maxNetOutflowPerPeriod === undefined
        ? 'no cap'
        : 'cap ' + sat(c.cap.usedSats) + ' of ' + sat(c.cap.maxNetOutflowPerPeriod)
      return '<div class="card" data-counterparty="' + esc(c.counterparty) + '" data-agrees="' + st.agrees + '">' +
        '<div class="row"><span class="title">' + esc(c.name || c.counterparty.slice(0, 12) + '…') + '</span>' +
        '<span class="pill ' + (st.agrees ? 'on' : st.shared ? 'off' : '') + '">' + esc(verdict) + '</span></div>' +
        '<div class="share">paid ' + sat(c.total.paidSats) + ' (' + c.total.paidCount + ') · received ' +
          sat(c.total.receivedSats) + ' (' + c.total.receivedCount + ') · net ' + sat(c.total.netSats) + '</div>' +
        '<div class="next">' + esc(cap) + '</div>' +
        st.problems.slice(0, 5).map((p) => '<div class="next">' + esc(p.kind) + ': ' + esc(p.detail) + '</div>').join('') + '</div>'
    }).join('')
  }
  const loadAccounts = () => api('/api/accounts').then(renderAccounts).catch(() => {})
  setInterval(loadAccounts, 5000)
  loadAccounts()
`
