// Shared helpers of the web client: calling the API, building elements,
// showing errors. No framework, no third-party code.

// ApiError is a failed API call, with the RFC 9457 problem document.
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `request failed (${status})`);
    this.status = status;
    this.problem = problem;
  }
  // fieldErrors maps request field names to messages.
  get fieldErrors() {
    const out = {};
    for (const e of this.problem.errors || []) out[e.field] = e.message;
    return out;
  }
}

// signInAgain sends the browser to the login page, which brings it back
// here afterwards.
export function signInAgain() {
  const next = location.pathname + location.search;
  location.assign('/login?' + new URLSearchParams({ next, reason: 'expired' }));
}

// api calls the JSON API. A body that is a Blob, File, FormData or string
// is sent as is; any other body as JSON. A 401 means the session ended:
// the page saves what it can (onExpired) and goes to log in again.
export async function api(method, path, body, { headers = {}, onExpired, redirect401 = true } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof FormData || typeof body === 'string') {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, { title: 'Network error', detail: 'Moksho could not be reached: check your connection and try again.' });
  }
  return handle(res.status, await res.text(), { onExpired, redirect401 });
}

// handle turns a response into its JSON or an ApiError.
export function handle(status, text, { onExpired, redirect401 = true } = {}) {
  let doc = null;
  if (text) {
    try { doc = JSON.parse(text); } catch { doc = { detail: text }; }
  }
  if (status >= 200 && status < 300) return doc;
  if (status === 401 && redirect401) {
    if (onExpired) onExpired();
    signInAgain();
  }
  throw new ApiError(status, doc || { title: `request failed (${status})` });
}

// el builds an element: el('p', {class: 'x'}, 'text', child, ...).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// svg builds an SVG element.
export function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children.flat(Infinity)) {
    if (c !== undefined && c !== null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// showError puts a message in an error element (hidden when empty).
export function showError(node, err) {
  if (!node) return;
  const msg = err ? (err.message || String(err)) : '';
  node.textContent = msg;
  node.hidden = !msg;
}

// notice shows a polite status message at the top of the page.
export function notice(msg) {
  const n = document.getElementById('notice');
  if (!n) return;
  n.textContent = msg;
  n.hidden = !msg;
}

export function fmtDate(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}

export function fmtScore(n) {
  return n === null || n === undefined ? '–' : Number(n).toFixed(1);
}

// roles loads the role catalog once per page.
let rolesPromise;
export function roles() {
  // A failed load is not kept: the next call tries again.
  rolesPromise ||= api('GET', '/api/v1/roles').then((d) => d.roles || [], (err) => { rolesPromise = null; throw err; });
  return rolesPromise;
}

// fillRoles fills a <select> with the catalog, choosing `selected`.
export async function fillRoles(select, selected) {
  const list = await roles();
  select.replaceChildren(el('option', { value: '' }, 'Choose a role'),
    ...list.map((r) => el('option', { value: r.id, selected: r.id === selected }, r.title)));
}

export function roleTitle(list, id) {
  const r = list.find((x) => x.id === id);
  return r ? r.title : id;
}
