'use strict';
// PcapWatch's page. Everything shown comes from packets and tables, which an attacker can shape: it is only ever set as
// text (textContent, setAttribute on safe attributes), never parsed as HTML.
(() => {
  const $ = (id) => document.getElementById(id);
  const MAX_FEED = 200;
  const MAX_ROWS = 500;
  const CHARTS = 6;
  const view = { window: '1h', metric: 'packets', source: null, feedGeneration: 0, analyst: false };

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  async function getJson(url) {
    const r = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
    if (!r.ok) {
      let reason = r.status + ' ' + r.statusText;
      try { reason = (await r.json()).error || reason; } catch (_) { /* not JSON */ }
      throw new Error(reason);
    }
    return r.json();
  }

  const fmtBytes = (v) => v >= 1 << 30 ? (v / (1 << 30)).toFixed(1) + ' GiB' : v >= 1 << 20 ? (v / (1 << 20)).toFixed(1) + ' MiB'
    : v >= 1024 ? (v / 1024).toFixed(1) + ' KiB' : v + ' B';
  const fmtTime = (iso) => iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '';

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    return q.toString();
  }

  // Employees, their computers and traffic in the window; charts for the busiest.
  async function refreshSummary() {
    const s = await getJson('/api/summary?' + query({ window: view.window }));
    const body = document.querySelector('#employees tbody');
    const rows = [];
    for (const e of s.employees.slice(0, MAX_ROWS)) {
      const tr = el('tr');
      tr.dataset.empId = e.empId;
      tr.append(el('td', e.empName ?? '(no name)', 'name'), el('td', e.empId, 'id'));
      const computers = el('td', null, 'mac');
      computers.textContent = e.computers.map((c) => c.mac).join(' ') || (e.watched ? '' : 'no longer watched');
      tr.append(computers, el('td', e.packets, 'num packets'), el('td', fmtBytes(e.bytes), 'num bytes'));
      const protocols = Object.entries(e.protocols).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([p, n]) => p + ' ' + n).join(', ');
      tr.append(el('td', protocols, 'protocols'));
      rows.push(tr);
    }
    body.replaceChildren(...rows);
    $('employees-more').textContent = s.employees.length > MAX_ROWS ? `showing ${MAX_ROWS} of ${s.employees.length}, busiest first` : '';
    $('window-range').textContent = s.from ? `${fmtTime(s.from)} – ${fmtTime(s.to)} (event time, to the newest match)` : 'no matches yet';

    const charts = [];
    for (const e of s.employees.filter((x) => x.packets > 0).slice(0, CHARTS)) {
      const figure = el('figure');
      figure.append(el('figcaption', `${e.empName ?? e.empId} — ${view.metric} per protocol`));
      const img = el('img');
      img.alt = `${e.empName ?? e.empId}: ${view.metric} per protocol over the last ${view.window}`;
      img.src = '/api/chart?' + query({ emp: e.empId, window: view.window, metric: view.metric, at: s.matchesRead });
      figure.append(img);
      if (view.analyst) figure.append(await sitesTable(e.empId));
      charts.push(figure);
    }
    $('charts').replaceChildren(...charts);
  }

  // The names the employee visited in the window (run --names; analysts only: it is browsing history).
  async function sitesTable(empId) {
    const table = el('table', null, 'sites');
    const rows = await getJson('/api/sites?' + query({ emp: empId, window: view.window, limit: 10 })).catch(() => []);
    if (rows.length === 0) return table;
    const head = el('tr');
    head.append(el('th', 'sites visited'), el('th', 'packets'), el('th', 'last seen'));
    table.append(head);
    for (const r of rows) {
      const tr = el('tr');
      tr.append(el('td', r.name, 'site'), el('td', r.packets, 'num'), el('td', fmtTime(r.lastSeen)));
      tr.title = `first seen ${fmtTime(r.firstSeen)}; ${fmtBytes(r.bytes)}`;
      table.append(tr);
    }
    return table;
  }

  // Flows (run --flows; analysts only: who connected where): each flow by its newest record, open ones say so.
  async function refreshFlows() {
    const rows = await getJson('/api/flows?' + query({ employee: $('flows-employee').value.trim(),
      filter: $('flows-filter').value.trim(), sort: $('flows-sort').value, limit: 200 }));
    document.querySelector('#flows tbody').replaceChildren(...rows.map((f) => {
      const tr = el('tr', null, f.open ? 'open' : 'closed');
      tr.dataset.flowId = f.flowId;
      tr.title = `${f.mac}, opened by ${f.openedBy}; last seen ${fmtTime(f.lastSeen)}; ${f.flowId}`;
      tr.append(el('td', f.empName, 'name'), el('td', f.protocol), el('td', `${f.local} → ${f.remote}`, 'mac'), el('td', f.name ?? '', 'site'),
        el('td', fmtTime(f.firstSeen)), el('td', Number(f.durationS).toFixed(3) + ' s', 'num duration'),
        el('td', `${f.packetsOut} pkts ${fmtBytes(f.bytesOut)}`, 'num out'), el('td', `${f.packetsIn} pkts ${fmtBytes(f.bytesIn)}`, 'num in'),
        el('td', f.open ? 'open' : f.end, 'state'));
      return tr;
    }));
  }

  function feedItem(m) {
    const li = el('li');
    li.dataset.seq = m.seq;
    const time = el('span', fmtTime(m.time), 'time');
    if (m.frameTime) time.title = 'captured ' + m.frameTime;
    li.append(time, el('span', m.empName ?? m.empId ?? '?', 'who'));
    li.append(el('span', `${m.protocols ?? '?'}  ${m.ipSrc ?? m.mac ?? ''} → ${m.ipDst ?? ''}  ${m.frameLen} B`
      + (m.direction ? `  (${m.direction}${m.attributedBy === 'ip' ? ', by IP' : ''})` : ''), 'what'));
    // What the packet asked for, or what a DNS answer named its remote address (run --names): attacker-written text.
    if (m.name) {
      const site = el('span', m.name, 'site');
      site.title = 'name from ' + m.nameSource;
      li.append(site);
    }
    return li;
  }

  function addToFeed(items) {
    const feed = $('feed');
    const fresh = items.map(feedItem);
    feed.prepend(...fresh);
    while (feed.children.length > MAX_FEED) feed.lastElementChild.remove();
  }

  // The newest matches, then the live stream from there on; restarted when a filter changes.
  async function startFeed() {
    const generation = ++view.feedGeneration;
    if (view.source) view.source.close();
    const filter = { employee: $('feed-employee').value.trim(), like: $('feed-like').value.trim() };
    const recent = await getJson('/api/matches/recent?' + query({ ...filter, limit: MAX_FEED }));
    if (generation !== view.feedGeneration) return;
    $('feed').replaceChildren(...recent.items.map(feedItem));
    $('feed-note').textContent = '';
    const source = new EventSource('/api/matches/stream?' + query({ ...filter, after: recent.lastSeq }));
    view.source = source;
    source.addEventListener('matches', (ev) => {
      const batch = JSON.parse(ev.data);
      addToFeed(batch.items);
      if (batch.missed > 0) $('feed-note').textContent = `${batch.missed} matches arrived faster than shown`;
    });
    source.addEventListener('hello', () => setStatus());
    source.onerror = () => { $('status').textContent = 'live feed reconnecting…'; };
  }

  async function setStatus() {
    try {
      const h = await getJson('/api/health');
      $('status').textContent = `${h.matchesRead} matches read${h.caughtUp ? '' : ', catching up'}`
        + (h.unreadableRecords ? `, ${h.unreadableRecords} unreadable` : '')
        + (h.futureStamped ? `, ${h.futureStamped} stamped in the future` : '');
      renderHealth(h.instances);
    } catch (e) {
      $('status').textContent = 'no answer: ' + e.message;
    }
  }

  function renderHealth(instances) {
    $('health-section').hidden = instances.length === 0;
    const rows = instances.map((i) => {
      const tr = el('tr');
      tr.append(el('td', i.url));
      if (i.error) {
        const td = el('td', 'not answering: ' + i.error, 'bad');
        td.colSpan = 5;
        tr.append(td);
        return tr;
      }
      tr.append(el('td', i.tablesCurrent ? 'current' : 'loading', i.tablesCurrent ? 'good' : 'bad'),
        el('td', i.lag, i.lag > 0 ? 'num bad' : 'num'), el('td', i.deadLetters, i.deadLetters > 0 ? 'num bad' : 'num'),
        el('td', i.packets, 'num'), el('td', i.matches, 'num'));
      return tr;
    });
    document.querySelector('#health tbody').replaceChildren(...rows);
  }

  async function who(ev) {
    ev.preventDefault();
    const q = $('who-input').value.trim();
    const answer = $('who-answer');
    if (!q) return;
    try {
      const a = await getJson('/api/who/' + encodeURIComponent(q));
      const seen = a.lastSeen ? `last seen ${a.lastSeen.ip ? 'with ' + a.lastSeen.ip + ' ' : ''}on ${a.lastSeen.mac} at ${fmtTime(a.lastSeen.when)}`
        : 'never seen in matched traffic';
      answer.textContent = a.watched
        ? `${a.address}: watched — ${a.owner.empName} (${a.owner.empId}), computer ${a.owner.compId ?? '?'} (${a.owner.mac}); ${seen}`
        : `${a.address}: not watched${a.lastSeen ? ` (was ${a.lastSeen.empName ?? a.lastSeen.empId}); ${seen}` : ''}`;
      answer.className = a.watched ? 'good' : '';
    } catch (e) {
      answer.textContent = e.message;
      answer.className = 'bad';
    }
  }

  function debounce(fn, ms) {
    let t;
    return () => { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  function safely(fn) {
    return () => fn().catch((e) => { $('status').textContent = 'error: ' + e.message; });
  }

  // A viewer reads counts and charts only: the feed and who are refused to them, so they are not shown.
  async function showWhatTheRoleAllows() {
    const me = await getJson('/api/me');
    $('me').textContent = me.user + ' (' + me.role + ')';
    const analyst = me.role === 'analyst';
    view.analyst = analyst;
    $('who-section').hidden = !analyst;
    $('feed-section').hidden = !analyst;
    $('flows-section').hidden = !analyst;
    if (analyst) await Promise.all([startFeed(), refreshSummary(), refreshFlows()]);
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('window').addEventListener('change', (e) => { view.window = e.target.value; safely(refreshSummary)(); });
    $('metric').addEventListener('change', (e) => { view.metric = e.target.value; safely(refreshSummary)(); });
    $('feed-employee').addEventListener('input', debounce(safely(startFeed), 300));
    $('feed-like').addEventListener('input', debounce(safely(startFeed), 300));
    $('who-form').addEventListener('submit', who);
    for (const id of ['flows-employee', 'flows-filter']) $(id).addEventListener('input', debounce(safely(refreshFlows), 300));
    $('flows-sort').addEventListener('change', safely(refreshFlows));
    safely(refreshSummary)();
    safely(showWhatTheRoleAllows)();
    setStatus();
    setInterval(safely(refreshSummary), 5000);
    setInterval(() => { if (view.analyst) safely(refreshFlows)(); }, 5000);
    setInterval(setStatus, 5000);
  });
})();
