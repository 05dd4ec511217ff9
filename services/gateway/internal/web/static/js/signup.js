import { api, showError } from './api.js';

const form = document.getElementById('signup-form');
const box = document.getElementById('policy-box');
const accept = document.getElementById('accept');
const acceptHint = document.getElementById('accept-hint');
const hints = document.getElementById('password-hints');
const strength = document.getElementById('password-strength');
const org = document.getElementById('organization-field');
const formError = document.getElementById('signup-error');

// Accept is enabled once the whole policy has been on screen: scrolled to
// its end, or short enough to fit.
let read = false;
function checkRead() {
  if (read) return;
  if (box.scrollTop + box.clientHeight >= box.scrollHeight - 4) {
    read = true;
    accept.disabled = false;
    acceptHint.textContent = 'You have reached the end of the policy.';
  }
}
box.addEventListener('scroll', checkRead, { passive: true });
checkRead();

// Live hints; the server's policy (which also refuses common passwords)
// has the last word.
const runs = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function hasRun(pw) {
  const p = pw.toLowerCase();
  if (/(.)\1\1\1/.test(p)) return true;
  return runs.some((r) => {
    for (let i = 0; i + 4 <= r.length; i++) {
      const s = r.slice(i, i + 4);
      if (p.includes(s) || p.includes([...s].reverse().join(''))) return true;
    }
    return false;
  });
}
function personalParts() {
  const parts = form.name.value.toLowerCase().split(/\s+/);
  const local = form.email.value.toLowerCase().split('@')[0];
  return [...parts, local].filter((s) => s.length >= 3);
}
function checkPassword() {
  const pw = form.password.value;
  const lower = pw.toLowerCase();
  const rules = {
    length: pw.length >= 10,
    mix: pw.length >= 16 || (/[a-z]/i.test(pw) && /[^a-z]/i.test(pw)),
    personal: pw.length > 0 && !personalParts().some((p) => lower.includes(p)),
    pattern: pw.length > 0 && !hasRun(pw),
  };
  let met = 0;
  for (const li of hints.querySelectorAll('li')) {
    const ok = rules[li.dataset.rule];
    li.classList.toggle('ok', ok);
    li.setAttribute('aria-label', (ok ? 'Met: ' : 'Not yet: ') + li.textContent);
    if (ok) met++;
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(pw)).length;
  let word = 'weak';
  if (met === 4 && (pw.length >= 14 || classes >= 3)) word = 'strong';
  else if (met === 4) word = 'fair';
  const text = pw ? `Strength: ${word}` : '';
  if (strength.textContent !== text) strength.textContent = text;
  strength.dataset.strength = pw ? word : '';
}
for (const f of ['password', 'name', 'email']) form[f].addEventListener('input', checkPassword);

for (const r of form.querySelectorAll('input[name=role]')) {
  r.addEventListener('change', () => { org.hidden = form.role.value !== 'recruiter'; });
}

const fields = ['name', 'email', 'password', 'organization'];

// fieldErrors shows each field's error beside it, and any other in the
// form's error line; it returns whether there were any.
function fieldErrors(errs) {
  for (const f of fields) {
    showError(document.getElementById(f + '-error'), errs[f] || null);
    form[f].setAttribute('aria-invalid', errs[f] ? 'true' : 'false');
  }
  const others = Object.entries(errs).filter(([f]) => !fields.includes(f) && f !== 'acceptPolicyVersion');
  showError(formError, others.length ? others.map(([, m]) => m).join(' ') : null);
  const first = fields.find((f) => errs[f]);
  if (first) form[first].focus();
  return Object.keys(errs).length > 0;
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showError(formError, null);
  const body = {
    name: form.name.value.trim(),
    email: form.email.value.trim(),
    password: form.password.value,
    role: form.role.value,
    acceptPolicyVersion: form.dataset.policyVersion,
    policyTextShown: read,
  };
  if (body.role === 'recruiter') body.organization = form.organization.value.trim();
  const missing = {};
  if (!body.name) missing.name = 'Enter your name.';
  if (!body.email) missing.email = 'Enter your email.';
  if (body.password.length < 10) missing.password = 'Use at least 10 characters.';
  if (body.role === 'recruiter' && !body.organization) missing.organization = 'Enter your organisation.';
  fieldErrors(missing);
  if (Object.keys(missing).length) return;
  if (!accept.checked) {
    showError(formError, read ? 'Tick the box to accept the privacy policy.' : 'Read the privacy policy to its end, then accept it.');
    return;
  }
  const button = document.getElementById('signup-submit');
  button.disabled = true;
  try {
    await api('POST', '/api/v1/accounts', body, { redirect401: false });
  } catch (err) {
    button.disabled = false;
    if (err.status === 422) {
      const errs = err.fieldErrors;
      fieldErrors(errs);
      if (errs.acceptPolicyVersion) {
        showError(formError, 'The privacy policy changed while you were reading: reload the page to read the new version.');
      } else if (!Object.keys(errs).length) {
        showError(formError, err);
      }
      return;
    }
    if (err.status === 409) {
      fieldErrors({ email: 'An account with this email already exists: log in instead.' });
      return;
    }
    showError(formError, err);
    return;
  }
  try {
    await api('POST', '/api/v1/sessions', { email: body.email, password: body.password }, { redirect401: false });
    location.assign('/app');
  } catch {
    location.assign('/login?reason=registered');
  }
});
