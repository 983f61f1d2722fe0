/**
 * Browser code shared by the dashboard's parts: the admin token, calls to the admin API, DOM
 * building and number formatting. Plain ES2020 in a string (no build step); the parts are
 * concatenated into one script served from this origin (page.ts), so they share one function scope.
 *
 * Data reaches the DOM only through `textContent` and attributes (`el`), never `innerHTML`.
 * No template literals in here: the code itself lives inside a TypeScript template literal.
 */
/**
 * How the dashboard writes money, statuses and "need input": the same rule and words as the CLI
 * (`formatUsd` in src/scoring/format.ts, `statusText` and `needInputText` in src/cli/output.ts).
 * test/unit/format-consistency.test.ts runs this code against them on a table of values.
 */
export const CLIENT_WORDS = `
const USD_WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const USD_CENTS = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** $5,000 / $212.50 / -$450: cents only when not whole dollars; an em dash for no number. */
function money(usd) {
  if (usd === null || usd === undefined) return '\u2014';
  const abs = Math.abs(usd);
  const cents = Math.round((abs + Number.EPSILON) * 100) / 100;
  const text = Number.isInteger(cents) ? USD_WHOLE.format(abs) : USD_CENTS.format(abs);
  return (usd < 0 ? '-' : '') + '$' + text;
}

/** "Needs input" is unscored (an input is missing) plus invalid (an input cannot be read). */
function needInput(unscored, invalid) {
  return (unscored + invalid) + ' need input (' + unscored + ' unscored, ' + invalid + ' invalid)';
}

/** scored / unscored: Value is missing / invalid: Cost is not a number */
function statusText(status, reason) {
  return status === 'scored' ? 'scored' : status + ': ' + reason;
}
`;

export const CLIENT_CORE = `
const TOKEN_KEY = 'netvalue.adminToken';
const PAGE_SIZE = 50;

/** What the views draw, loaded on refresh: the whole ranking (every tracker) and the status. */
const data = { items: [], trackerIds: [], status: null };

function $(id) {
  return document.getElementById(id);
}

/** An element with attributes and children; strings become text nodes (escaped by the DOM). */
function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.slice(0, 2) === 'on') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of [].concat(children === undefined ? [] : children)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The same for SVG elements (they need their namespace). */
function svgEl(tag, attrs, children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.slice(0, 2) === 'on') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, String(value));
  }
  for (const child of [].concat(children === undefined ? [] : children)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setChildren(node, children) {
  node.replaceChildren();
  for (const child of [].concat(children)) {
    if (child !== null && child !== undefined) node.append(child);
  }
}

${CLIENT_WORDS}
function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '\u2014';
}

/** Only http(s) links from tracker data become hrefs (no javascript: URLs). */
function safeUrl(url) {
  return /^https?:\\/\\//i.test(url || '') ? url : null;
}

/** A link to the issue in its tracker (opens a new tab), or the bare key. */
function trackerLink(key, url) {
  const href = safeUrl(url);
  return href ? el('a', { href: href, target: '_blank', rel: 'noopener noreferrer' }, key) : key;
}

/** The dashboard's own address of an issue's detail. */
function issueHash(trackerId, key) {
  return '#issue/' + encodeURIComponent(trackerId) + '/' + encodeURIComponent(key);
}

class ApiError extends Error {
  constructor(status, code, message, handled) {
    super(message);
    this.status = status;
    this.code = code;
    this.handled = handled;
  }
}

/** fetch() options with the admin token (and a JSON body for POST). */
function authed(method, body) {
  const headers = { authorization: 'Bearer ' + (sessionStorage.getItem(TOKEN_KEY) || '') };
  if (body === undefined) return { method: method, headers: headers };
  headers['content-type'] = 'application/json';
  return { method: method, headers: headers, body: JSON.stringify(body) };
}

/**
 * The JSON of an admin API answer, or an ApiError. A 401 forgets the token and asks again; a 503
 * admin_disabled shows how to turn the admin API on. Both are marked handled.
 */
async function answer(pending) {
  const res = await pending;
  const body = await res.json().catch(function () {
    return null;
  });
  if (res.ok) return body;
  const error = (body && body.error) || { code: 'http_' + res.status, message: res.statusText };
  if (res.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin('The admin token was refused (' + error.message + '). Enter it again.');
    throw new ApiError(res.status, error.code, error.message, true);
  }
  if (res.status === 503 && error.code === 'admin_disabled') {
    showLogin('The admin API is disabled: ' + error.message + '.');
    throw new ApiError(res.status, error.code, error.message, true);
  }
  throw new ApiError(res.status, error.code, error.message, false);
}

/** Shows a failed call in a panel's message line (auth failures already show the form). */
function report(node, err) {
  if (err instanceof ApiError && err.handled) return;
  node.className = 'message error';
  node.textContent = err instanceof Error ? err.message : String(err);
}

function showLogin(message) {
  $('app').hidden = true;
  $('login').hidden = false;
  $('login-message').textContent = message || '';
  $('token').focus();
}

function showApp() {
  $('login').hidden = true;
  $('app').hidden = false;
}
`;
