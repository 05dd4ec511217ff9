import { api, showError } from './api.js';

const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showError(error, null);
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    showError(error, 'Enter your email and password.');
    return;
  }
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    await api('POST', '/api/v1/sessions', { email, password }, { redirect401: false });
    // The server only hands over paths on this site; check again here.
    const next = new URL(form.dataset.next || '/app', location.origin);
    location.assign(next.origin === location.origin ? next.pathname + next.search + next.hash : '/app');
  } catch (err) {
    let msg = err.message;
    if (err.status === 401) msg = 'That email and password do not match an account.';
    if (err.status === 429) msg = `Too many attempts: try again in ${err.problem.retryAfter || 60} seconds.`;
    showError(error, msg);
    button.disabled = false;
    form.password.focus();
  }
});
