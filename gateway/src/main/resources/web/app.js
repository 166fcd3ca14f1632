// TrendStream live page: loads the current state over the query API, then follows /api/v1/live (Server-Sent
// Events). EventSource reconnects by itself and sends Last-Event-ID, so the gateway replays what was missed; a
// `reset` event (the gateway no longer has those events) makes the page reload its state.
'use strict';

const MAX_ALERTS = 50;
const alertsBody = document.getElementById('alerts');
const topBody = document.getElementById('top');
const statusText = document.getElementById('status');
let shownWindow = null; // window_start of the top-products table
const shownAlerts = new Set(); // product|metric|window_start: an alert from both the API and the stream shows once

function setStatus(state, text) {
  statusText.dataset.state = state;
  statusText.textContent = text;
}

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text; // never innerHTML: product ids are user input
  row.appendChild(td);
}

function time(iso) {
  return new Date(iso).toISOString().replace('T', ' ').replace(/:00\.000Z$/, 'Z');
}

function showAlert(alert, newest) {
  const key = alert.product_id + '|' + alert.metric + '|' + alert.window_start;
  if (shownAlerts.has(key)) {
    return;
  }
  shownAlerts.add(key);
  const row = document.createElement('tr');
  row.className = 'alert ' + alert.severity.toLowerCase();
  row.dataset.product = alert.product_id;
  row.dataset.metric = alert.metric;
  row.dataset.windowStart = alert.window_start;
  cell(row, time(alert.window_start));
  cell(row, alert.product_id);
  cell(row, alert.metric);
  cell(row, alert.observed.toFixed(2));
  cell(row, alert.baseline.toFixed(2));
  cell(row, alert.ratio.toFixed(2) + '×');
  cell(row, alert.severity);
  if (newest) {
    alertsBody.insertBefore(row, alertsBody.firstChild);
  } else {
    alertsBody.appendChild(row);
  }
  while (alertsBody.rows.length > MAX_ALERTS) {
    alertsBody.deleteRow(alertsBody.rows.length - 1);
  }
  document.getElementById('alerts-empty').hidden = true;
}

function showTop(windowStart, products) {
  if (windowStart === null || (shownWindow !== null && Date.parse(windowStart) < Date.parse(shownWindow))) {
    return; // an older window changed (a late firing): keep showing the latest
  }
  shownWindow = windowStart;
  document.getElementById('window').textContent = time(windowStart);
  topBody.replaceChildren();
  for (const p of products) {
    const row = document.createElement('tr');
    row.dataset.product = p.product_id;
    cell(row, p.product_id);
    cell(row, p.orders);
    cell(row, p.units);
    cell(row, p.revenue);
    cell(row, p.views);
    cell(row, p.conversion === null ? '–' : (100 * p.conversion).toFixed(1) + ' %');
    topBody.appendChild(row);
  }
}

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(url + ': ' + response.status);
  }
  return response.json();
}

async function loadState() {
  const since = new Date(Date.now() - 3600 * 1000).toISOString();
  const [top, alerts] = await Promise.all([
    getJson('/api/v1/top-products?window_start=latest&by=revenue&limit=10'),
    getJson('/api/v1/alerts?since=' + encodeURIComponent(since) + '&limit=' + MAX_ALERTS),
  ]);
  showTop(top.window_start, top.items);
  for (const alert of alerts.items) { // oldest first: each new one goes on top
    showAlert(alert, true);
  }
}

function follow() {
  const stream = new EventSource('/api/v1/live');
  stream.onopen = () => setStatus('live', 'live');
  stream.onerror = () => setStatus('reconnecting', 'reconnecting…'); // EventSource retries by itself
  stream.addEventListener('alert', e => showAlert(JSON.parse(e.data), true));
  stream.addEventListener('window', e => {
    const w = JSON.parse(e.data);
    showTop(w.window_start, w.top);
  });
  stream.addEventListener('reset', () => loadState().catch(err => console.error(err)));
}

// Subscribe first, then load: an alert arriving in between is shown once (deduplicated above), never missed.
follow();
loadState().catch(err => {
  console.error(err);
  setStatus('error', 'could not load: ' + err.message);
});
