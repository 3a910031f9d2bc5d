// A CRM side panel over the arrears package: pick or paste an account, see its stage, the next
// allowed action with a live countdown on the borrower's clock, every verdict with the rules and
// citations behind it, and what each party may be told.
// The package where `npm install arrears` puts it, next to this page: no bundler, no import map
// (an inline import map would need its own CSP hash). See README.md for other set-ups.
import { Engine, ArrearsError, builtinPolicies, loadPack, version } from './node_modules/arrears/dist/browser.js';

const $ = (id) => document.getElementById(id);
const engines = new Map();
// A built-in pack is fetched from beside the module the first time the panel uses it.
const engineFor = async (policy) => {
  if (!engines.has(policy)) {
    await loadPack(policy);
    engines.set(policy, new Engine(policy));
  }
  return engines.get(policy);
};
let ticker = null;

const SEVERITY = { pre_due: 0, current: 0, early: 0, mid: 1, late: 1, m2: 2, m3: 2, m4_m6: 3, m6_plus: 3 };
const words = (s) => s.replaceAll('_', ' ');

/** Minor units to a readable amount (two decimals for the currencies the packs use). */
function money(minor, currency) {
  const digits = ['JPY', 'KRW'].includes(currency) ? 0 : 2;
  return new Intl.NumberFormat('en', { style: 'currency', currency, minimumFractionDigits: digits }).format(minor / 10 ** digits);
}

/** An RFC 3339 instant on the borrower's wall clock. */
function local(instant, zone) {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, weekday: 'short', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
  });
  return fmt.format(new Date(instant));
}

function countdown(ms) {
  if (ms <= 0) return 'now';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const hms = [Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return `in ${d ? `${d}d ` : ''}${hms}`;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function reasons(list) {
  return el('ul', { class: 'reasons' }, ...list.map((r) => el('li', {}, el('span', { class: 'rule' }, r.rule), el('span', { class: 'cite' }, r.cite))));
}

function render(caseData, d) {
  const zone = caseData.borrower?.time_zones?.[0] ?? caseData.account.book_time_zone;
  $('error').hidden = true;
  for (const id of ['summary', 'next', 'actions-card', 'disclosures-card']) $(id).hidden = false;

  const q = d.delinquency;
  $('account-id').textContent = d.account_id;
  $('as-of').textContent = `as of ${local(d.as_of, zone)} · ${d.policy.id} ${d.policy.version}`;
  const stage = $('stage');
  stage.textContent = q.stage.label;
  stage.dataset.stage = q.stage.id;
  stage.dataset.severity = SEVERITY[q.stage.id] ?? 1;
  $('dpd').textContent = q.overdue_since ? `${q.days_past_due} (since ${q.overdue_since})` : String(q.days_past_due);
  $('overdue').textContent = money(q.overdue_amount, q.currency);
  $('status').textContent = words(d.status.state);
  $('queue').textContent = d.queue.escalate_to ? `${words(d.queue.current)} → move now` : words(d.queue.current);

  clearInterval(ticker);
  const n = d.next_action;
  if (n) {
    $('next-action').textContent = `${words(n.action)} · ${n.party}${n.channel ? ` · ${n.channel}` : ''}`;
    $('next-time').textContent = n.at === d.as_of ? 'Allowed now' : local(n.at, zone);
    $('next-rule').textContent = n.rule;
    // The decision is as of `as_of`: the countdown runs on a clock that starts there.
    const start = Date.now();
    const tick = () => {
      const now = new Date(d.as_of).getTime() + (Date.now() - start);
      $('countdown').textContent = countdown(new Date(n.at).getTime() - now);
    };
    tick();
    ticker = setInterval(tick, 1000);
  } else {
    $('next-action').textContent = 'Nothing can be done';
    $('next-time').textContent = 'No action will be allowed as things stand.';
    $('countdown').textContent = '';
    $('next-rule').textContent = d.status.reasons.map((r) => r.rule).join(', ');
  }

  $('actions').replaceChildren(...d.actions.map((a) => {
    const what = `${words(a.action)} · ${a.party}${a.channel ? ` · ${a.channel}` : ''}`;
    const when = a.allowed
      ? (a.allowed_until ? `allowed until ${local(a.allowed_until, zone)}` : 'allowed')
      : (a.next_allowed_at ? `blocked until ${local(a.next_allowed_at, zone)}` : 'blocked, no time in sight');
    return el('li', { 'data-allowed': String(a.allowed) },
      el('span', { class: `verdict ${a.allowed ? 'ok' : 'no'}` }, a.allowed ? '✓' : '✕'),
      el('span', { class: 'what' }, what),
      el('div', { class: 'when' }, when),
      reasons([...a.blocked_by, ...a.conditions]));
  }));

  $('disclosures').replaceChildren(...d.disclosures.map((p) => el('li', {},
    el('span', { class: 'party' }, p.party),
    p.verified_identity_required ? el('span', { class: 'verify' }, 'verify identity first') : '',
    el('div', { class: 'chips' }, ...(p.may_disclose.length
      ? p.may_disclose.map((c) => el('span', { class: 'chip' }, words(c)))
      : [el('span', { class: 'chip none' }, 'nothing about the debt')])))));
  document.body.dataset.ready = 'true';
}

async function decide(policy, caseData) {
  try {
    render(caseData, (await engineFor(policy)).decide(caseData));
  } catch (e) {
    for (const id of ['summary', 'next', 'actions-card', 'disclosures-card']) $(id).hidden = true;
    $('error').hidden = false;
    $('error').textContent = e instanceof ArrearsError ? `${e.code} at ${e.path || '(case)'}: ${e.detail}` : String(e);
    document.body.dataset.ready = 'true';
  }
}

async function main() {
  $('engine-version').textContent = `engine ${version()}`;
  $('policy').replaceChildren(...builtinPolicies().map((p) => el('option', { value: p }, p)));
  const samples = await (await fetch('samples/index.json')).json();
  $('sample').replaceChildren(...samples.map((s, i) => el('option', { value: String(i) }, s.label)));
  const load = async () => {
    const s = samples[Number($('sample').value)];
    $('policy').value = s.policy;
    await decide(s.policy, await (await fetch(`samples/${s.file}`)).json());
  };
  $('sample').addEventListener('change', load);
  $('policy').addEventListener('change', async () => {
    const s = samples[Number($('sample').value)];
    await decide($('policy').value, await (await fetch(`samples/${s.file}`)).json());
  });
  $('decide-pasted').addEventListener('click', async () => {
    let caseData;
    try {
      caseData = JSON.parse($('paste').value);
    } catch (e) {
      $('error').hidden = false;
      $('error').textContent = `invalid_json: ${e.message}`;
      return;
    }
    await decide($('policy').value, caseData);
  });
  const wanted = new URLSearchParams(location.search).get('sample');
  const index = samples.findIndex((s) => s.file === wanted);
  $('sample').value = String(Math.max(index, 0));
  await load();
}

main();
