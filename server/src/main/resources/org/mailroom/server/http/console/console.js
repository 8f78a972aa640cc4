// Mailroom's web console: one page per location hash (#dashboard, #users, #queue/ID ...), each filled from the
// admin API with the token kept in this tab's sessionStorage and sent as a bearer header. Everything shown is
// set with textContent (never innerHTML): addresses, subjects and SMTP replies come from strangers.
'use strict';

const TOKEN_KEY = 'mailroom.admin-token';
const PAGES = ['login', 'dashboard', 'domains', 'users', 'aliases', 'queue', 'queue-entry', 'dns', 'log'];

let timer = null;          // the current page's refresh timer, stopped when the page changes
let lastStats = null;      // the previous /api/stats reading, for rates
let logAfter = 0;          // the last log sequence number shown
let pendingNotice = '';    // said on the next page shown (after an action that moves to another page)

// ---- small helpers ----

function $(id) {
  return document.getElementById(id);
}

/** An element with text children (strings become text nodes) and attributes set one by one. */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === 'class') e.className = value;
    else if (name === 'href') e.setAttribute('href', value);
    else e.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    e.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return e;
}

function rows(tableId, list, makeRow) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...list.map(makeRow));
}

function notice(text, isError) {
  const n = $('notice');
  n.textContent = text;
  n.className = isError ? 'error' : '';
  n.hidden = !text;
}

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

function bytes(n) {
  if (n === null || n === undefined) return '';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return (u === 0 ? v : v.toFixed(1)) + ' ' + units[u];
}

function age(seconds) {
  if (seconds < 120) return seconds + ' s';
  if (seconds < 7200) return Math.round(seconds / 60) + ' min';
  if (seconds < 172800) return Math.round(seconds / 3600) + ' h';
  return Math.round(seconds / 86400) + ' days';
}

/** A button that acts only on a second click within 5 seconds (no confirm() dialog). */
function dangerButton(label, id, action) {
  const b = el('button', {type: 'button', class: 'danger'}, label);
  if (id) b.id = id;
  armTwice(b, label, action);
  return b;
}

function armTwice(button, label, action) {
  let armed = null;
  button.addEventListener('click', async () => {
    if (!armed) {
      button.textContent = 'Click again to ' + label.toLowerCase();
      button.classList.add('confirm');
      armed = setTimeout(() => {
        armed = null;
        button.textContent = label;
        button.classList.remove('confirm');
      }, 5000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.textContent = label;
    button.classList.remove('confirm');
    await action();
  });
}

// ---- the API ----

class ApiError extends Error {}

async function api(method, path, body) {
  const headers = {'Authorization': 'Bearer ' + sessionStorage.getItem(TOKEN_KEY), 'Accept': 'application/json'};
  const init = {method: method, headers: headers, cache: 'no-store', credentials: 'omit', redirect: 'error'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    logout('The token was refused (removed, or mistyped): log in again.');
    throw new ApiError('not logged in');
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    throw new ApiError(method + ' ' + path + ': ' + response.status + ' without JSON');
  }
  if (!response.ok) throw new ApiError(data && data.error ? data.error : String(response.status));
  return data;
}

/** Runs an action, shows its error (if any) in the notice line, and says whether it worked. */
async function attempt(action, done) {
  try {
    await action();
    if (done) notice(done, false);
    return true;
  } catch (e) {
    if (!(e instanceof ApiError && e.message === 'not logged in')) notice(e.message, true);
    return false;
  }
}

// ---- login ----

async function login(event) {
  event.preventDefault();
  const token = $('login-token').value.trim();
  $('login-token').value = '';
  $('login-error').textContent = '';
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    await api('GET', '/api/domains');
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    $('login-error').textContent = e.message === 'not logged in' ? 'That token was refused.' : e.message;
    return;
  }
  $('nav').hidden = false;
  if (!location.hash || location.hash === '#login') location.hash = '#dashboard';
  else show();
}

function logout(why) {
  sessionStorage.removeItem(TOKEN_KEY);
  $('nav').hidden = true;
  notice('', false);
  $('login-error').textContent = why || '';
  showPage('login');
}

// ---- pages ----

function showPage(name) {
  if (timer) clearInterval(timer);
  timer = null;
  for (const p of PAGES) $('page-' + p).hidden = p !== name;
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('current', a.id === 'nav-' + name || (name === 'queue-entry' && a.id === 'nav-queue'));
  }
}

function every(ms, load) {
  load();
  timer = setInterval(load, ms);
}

async function show() {
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    logout('');
    return;
  }
  $('nav').hidden = false;
  notice(pendingNotice, false);
  pendingNotice = '';
  const hash = decodeURIComponent(location.hash.replace(/^#/, '')) || 'dashboard';
  if (hash.startsWith('queue/')) {
    showPage('queue-entry');
    await loadEntry(hash.substring('queue/'.length));
    return;
  }
  const page = PAGES.includes(hash) && hash !== 'login' && hash !== 'queue-entry' ? hash : 'dashboard';
  showPage(page);
  switch (page) {
    case 'dashboard': every(5000, loadDashboard); break;
    case 'domains': await loadDomains(); break;
    case 'users': await loadUsers(); break;
    case 'aliases': await loadAliases(); break;
    case 'queue': every(5000, loadQueue); break;
    case 'dns': await loadDnsDomains(); break;
    case 'log': logAfter = 0; $('log').tBodies[0].replaceChildren(); every(2000, loadLog); break;
  }
}

// ---- dashboard ----

async function loadDashboard() {
  await attempt(async () => {
    const [s, activity] = await Promise.all([api('GET', '/api/stats'), api('GET', '/api/activity')]);
    const d = s.deliveries || {};
    const local = d.local_stored || 0;
    const remote = d.remote_delivered || 0;
    $('stat-accepted').textContent = s.accepted;
    $('stat-refused').textContent = s.refused;
    $('stat-local').textContent = local;
    $('stat-remote').textContent = remote;
    $('stat-deferred').textContent = d.remote_deferred || 0;
    $('stat-bounced').textContent = d.remote_bounced || 0;
    $('stat-queue').textContent = s.queue.messages;
    $('stat-queue-oldest').textContent = s.queue.messages > 0 ? 'oldest ' + age(s.queue.oldest_age_seconds) : '';
    $('stat-logins').textContent = Object.values(s.login_failures || {}).reduce((a, b) => a + b, 0);
    $('stat-connections').textContent = Object.entries(s.connections || {}).map(([p, n]) => p + ' ' + n).join(', ');
    if (lastStats) {
      const minutes = (Date.parse(s.at) - Date.parse(lastStats.at)) / 60000;
      const rate = (now, before) => minutes > 0 ? ((now - before) / minutes).toFixed(1) + ' a minute' : '';
      const ld = lastStats.deliveries || {};
      $('rate-accepted').textContent = rate(s.accepted, lastStats.accepted);
      $('rate-refused').textContent = rate(s.refused, lastStats.refused);
      $('rate-local').textContent = rate(local, ld.local_stored || 0);
      $('rate-remote').textContent = rate(remote, ld.remote_delivered || 0);
    }
    lastStats = s;
    rows('refusals', Object.entries(s.refused_by_reply || {}), ([reply, n]) =>
      el('tr', {}, el('td', {class: 'mono'}, reply), el('td', {}, n)));
    rows('activity', activity, a =>
      el('tr', {class: 'kind-' + a.kind}, el('td', {}, when(a.at)), el('td', {}, a.kind), el('td', {class: 'mono'}, a.message)));
  });
}

// ---- domains ----

async function loadDomains() {
  await attempt(async () => {
    const domains = await api('GET', '/api/domains');
    rows('domains', domains, d => el('tr', {},
      el('td', {}, d.name),
      el('td', {}, el('a', {href: '#dns'}, 'DNS records'), ' ',
        dangerButton('Remove', null, () => attempt(async () => {
          await api('DELETE', '/api/domains/' + encodeURIComponent(d.name));
          await loadDomains();
        }, 'Removed ' + d.name + '.')))));
  });
}

async function addDomain(event) {
  event.preventDefault();
  const name = $('domain-name').value.trim();
  await attempt(async () => {
    const added = await api('POST', '/api/domains', {name: name});
    $('domain-name').value = '';
    await loadDomains();
    notice('Added ' + added.name + ' with its DKIM keys: publish its DNS records.', false);
  });
}

// ---- users ----

async function loadUsers() {
  await attempt(async () => {
    const users = await api('GET', '/api/users');
    rows('users', users, u => el('tr', {},
      el('td', {}, u.address),
      el('td', {}, u.quota === null ? 'default' : u.quota === 0 ? 'none' : bytes(u.quota)),
      el('td', {}, u.disabled ? 'disabled' : 'enabled'),
      el('td', {}, prefill('Password', 'passwd-address', 'passwd-password', u.address), ' ',
        prefill('Limit', 'quota-address', 'quota-size', u.address), ' ',
        disableButton(u), ' ',
        dangerButton('Remove', null, () => attempt(async () => {
          await api('DELETE', '/api/users/' + encodeURIComponent(u.address));
          await loadUsers();
        }, 'Removed ' + u.address + '.')))));
  });
}

/** Disable (every login refused; mail still delivered) or enable an account again. */
function disableButton(u) {
  const b = el('button', {type: 'button'}, u.disabled ? 'Enable' : 'Disable');
  b.addEventListener('click', () => attempt(async () => {
    await api('PUT', '/api/users/' + encodeURIComponent(u.address) + '/disabled', {disabled: !u.disabled});
    await loadUsers();
  }, (u.disabled ? 'Enabled ' : 'Disabled (mail is still delivered) ') + u.address + '.'));
  return b;
}

/** A button that puts the address into one of the forms above and moves to its next field. */
function prefill(label, addressId, nextId, address) {
  const b = el('button', {type: 'button'}, label);
  b.addEventListener('click', () => {
    $(addressId).value = address;
    $(nextId).focus();
  });
  return b;
}

async function addUser(event) {
  event.preventDefault();
  const address = $('user-address').value.trim();
  const password = $('user-password').value;
  await attempt(async () => {
    const added = await api('POST', '/api/users', {address: address, password: password});
    $('user-address').value = '';
    $('user-password').value = '';
    await loadUsers();
    notice('Added ' + added.address + '.', false);
  });
}

async function changePassword(event) {
  event.preventDefault();
  const address = $('passwd-address').value.trim();
  const password = $('passwd-password').value;
  await attempt(async () => {
    await api('PUT', '/api/users/' + encodeURIComponent(address) + '/password', {password: password});
    $('passwd-password').value = '';
  }, 'Changed the password of ' + address + '.');
}

async function setQuota(event) {
  event.preventDefault();
  const address = $('quota-address').value.trim();
  const size = $('quota-size').value.trim();
  await attempt(async () => {
    await api('PUT', '/api/users/' + encodeURIComponent(address) + '/quota', {quota: size === '' ? null : size});
    await loadUsers();
  }, 'Set the storage limit of ' + address + '.');
}

// ---- aliases ----

async function loadAliases() {
  await attempt(async () => {
    const aliases = await api('GET', '/api/aliases');
    rows('aliases', aliases, a => el('tr', {},
      el('td', {}, a.source), el('td', {}, a.target),
      el('td', {}, dangerButton('Remove', null, () => attempt(async () => {
        await api('DELETE', '/api/aliases/' + encodeURIComponent(a.source) + '/' + encodeURIComponent(a.target));
        await loadAliases();
      }, 'Removed ' + a.source + ' -> ' + a.target + '.')))));
  });
}

async function addAlias(event) {
  event.preventDefault();
  await attempt(async () => {
    const added = await api('POST', '/api/aliases', {source: $('alias-source').value.trim(), target: $('alias-target').value.trim()});
    $('alias-source').value = '';
    $('alias-target').value = '';
    await loadAliases();
    notice('Added ' + added.source + ' -> ' + added.target + '.', false);
  });
}

// ---- queue ----

function recipientList(recipients) {
  return el('ul', {}, ...recipients.map(r =>
    el('li', {}, r.address + ' (' + r.state + ')', r.last_reply ? el('div', {class: 'small mono'}, r.last_reply) : null)));
}

async function loadQueue() {
  await attempt(async () => {
    const queue = await api('GET', '/api/queue');
    $('queue-empty').hidden = queue.length > 0;
    $('queue').hidden = queue.length === 0;
    rows('queue', queue, q => el('tr', {'data-id': q.id},
      el('td', {class: 'mono'}, el('a', {href: '#queue/' + encodeURIComponent(q.id)}, q.id)),
      el('td', {}, when(q.arrival)),
      el('td', {}, q.sender || '<>'),
      el('td', {}, bytes(q.size)),
      el('td', {}, q.attempts),
      el('td', {}, when(q.next_attempt), q.last_error ? el('div', {class: 'small mono'}, q.last_error) : null),
      el('td', {}, recipientList(q.recipients))));
  });
}

let entryId = null;

async function loadEntry(id) {
  entryId = id;
  $('entry-id').textContent = id;
  await attempt(async () => {
    const e = await api('GET', '/api/queue/' + encodeURIComponent(id));
    const fields = [['sender', e.sender || '<>'], ['size', bytes(e.size)], ['arrival', when(e.arrival)],
      ['attempts', e.attempts], ['next attempt', when(e.next_attempt)], ['last error', e.last_error || ''],
      ['DSN', 'envid ' + (e.dsn.envid || '-') + ', ret ' + (e.dsn.ret || '-')],
      ['delay notice sent', e.delay_notice_sent ? 'yes' : 'no']];
    $('entry-fields').replaceChildren(...fields.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
    rows('entry-recipients', e.recipients, r => el('tr', {},
      el('td', {}, r.address), el('td', {}, r.state), el('td', {class: 'mono'}, r.last_reply || '')));
    const history = e.history.map((a, i) => el('div', {class: 'attempt'},
      el('h4', {}, 'Attempt ' + (i + 1) + ', ' + when(a.at) + ': ' + a.result),
      el('dl', {},
        el('dt', {}, 'destination'), el('dd', {}, a.destination),
        el('dt', {}, 'host'), el('dd', {}, a.host || '-'),
        el('dt', {}, 'TLS'), el('dd', {}, a.tls || '-'),
        el('dt', {}, 'DNS'), el('dd', {class: 'mono'}, (a.dns || []).join('\n')),
        el('dt', {}, 'conversation'), el('dd', {class: 'mono'}, (a.log || []).join('\n')))));
    $('entry-history').replaceChildren(...(history.length ? history : [el('p', {}, 'Not tried yet.')]));
  });
}

async function entryAction(method, suffix, done) {
  const id = entryId;
  const ok = await attempt(() => api(method, '/api/queue/' + encodeURIComponent(id) + suffix));
  if (!ok) return;
  if (suffix === '/flush') {
    notice(done, false);
    await loadEntry(id);
  } else {
    pendingNotice = done;
    location.hash = '#queue';
  }
}

// ---- DNS records ----

async function loadDnsDomains() {
  await attempt(async () => {
    const domains = await api('GET', '/api/domains');
    const select = $('dns-domain');
    const chosen = select.value;
    select.replaceChildren(...domains.map(d => el('option', {value: d.name}, d.name)));
    if (domains.some(d => d.name === chosen)) select.value = chosen;
    if (domains.length) await loadDns();
  });
}

async function loadDns(event) {
  if (event) event.preventDefault();
  const domain = $('dns-domain').value;
  if (!domain) return;
  await attempt(async () => {
    const d = await api('GET', '/api/domains/' + encodeURIComponent(domain) + '/dns');
    rows('dns-records', d.records, r => el('tr', {},
      el('td', {class: 'mono'}, r.name), el('td', {}, r.type), el('td', {class: 'mono'}, r.value),
      el('td', {class: 'small'}, r.comment)));
    $('dns-zone').textContent = d.zone;
  });
}

// ---- log ----

async function loadLog() {
  if ($('log-pause').checked) return;
  await attempt(async () => {
    const tail = await api('GET', '/api/log?after=' + logAfter);
    const box = $('log-box');
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 5;
    const body = $('log').tBodies[0];
    if (tail.last < logAfter) body.replaceChildren(); // the server restarted
    for (const e of tail.events) {
      body.append(el('tr', {class: e.level},
        el('td', {}, when(e.at)), el('td', {}, e.level), el('td', {}, e.logger), el('td', {class: 'mono'}, e.message)));
    }
    while (body.rows.length > 1000) body.deleteRow(0);
    logAfter = tail.last;
    if (atBottom) box.scrollTop = box.scrollHeight;
  });
}

// ---- start ----

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', () => logout('Logged out.'));
  $('domain-add').addEventListener('submit', addDomain);
  $('user-add').addEventListener('submit', addUser);
  $('user-passwd').addEventListener('submit', changePassword);
  $('user-quota').addEventListener('submit', setQuota);
  $('alias-add').addEventListener('submit', addAlias);
  $('queue-refresh').addEventListener('click', loadQueue);
  $('dns-form').addEventListener('submit', loadDns);
  $('entry-flush').addEventListener('click', () => entryAction('POST', '/flush', 'Asked for a new attempt now.'));
  armTwice($('entry-bounce'), 'Bounce', () => entryAction('POST', '/bounce', 'Bounced to its sender.'));
  armTwice($('entry-delete'), 'Delete', () => entryAction('DELETE', '', 'Deleted.'));
  window.addEventListener('hashchange', show);
  show();
});
