import { api, el, fmtDate, fmtScore, roles, roleTitle, showError } from './api.js';

const resumesNode = document.getElementById('resumes');
const interviewsNode = document.getElementById('interviews');
const form = document.getElementById('privacy-form');
const privacyStatus = document.getElementById('privacy-status');
const consentsNode = document.getElementById('consents');
const banner = document.getElementById('policy-banner');

function failed(node, err) {
  node.replaceChildren(el('p', { class: 'error', role: 'alert' }, err.message));
}

async function loadResumes() {
  try {
    const { assessments = [] } = await api('GET', '/api/v1/resumes');
    if (!assessments.length) {
      resumesNode.replaceChildren(el('p', {}, 'No assessments yet. Assess a resume to see how it fits a role.'));
      return;
    }
    resumesNode.replaceChildren(el('ul', { class: 'list' }, assessments.map((a) => el('li', {},
      el('a', { href: `/app/resumes/${a.id}` }, a.targetRoleTitle || a.targetRole),
      ` · fit ${a.fitScore}/100 · ${fmtDate(a.createdAt)}`))));
  } catch (err) {
    failed(resumesNode, err);
  }
}

const statusWords = { in_progress: 'in progress', completed: 'finished, scoring', scored: 'scored' };

async function loadInterviews() {
  try {
    const [{ interviews = [] }, list] = await Promise.all([api('GET', '/api/v1/interviews'), roles()]);
    if (!interviews.length) {
      interviewsNode.replaceChildren(el('p', {}, 'No interviews yet. Start one to practise.'));
      return;
    }
    interviewsNode.replaceChildren(el('ul', { class: 'list' }, interviews.map((iv) => {
      const answered = (iv.answers || []).length;
      const score = iv.overallScore !== null && iv.overallScore !== undefined ? ` · overall ${fmtScore(iv.overallScore)}/10` : '';
      return el('li', {},
        el('a', { href: `/app/interviews/${iv.id}` }, roleTitle(list, iv.roleId)),
        ` · ${fmtDate(iv.createdAt)} · ${statusWords[iv.status] || iv.status} · ${answered} of ${iv.questions.length} answered${score}`);
    })));
  } catch (err) {
    failed(interviewsNode, err);
  }
}

const consentKinds = {
  privacyPolicy: 'Privacy policy accepted',
  recruiterVisibility: 'Visible to recruiters',
  doNotSellOrShare: 'Do not sell or share',
};

function renderPrivacy(p) {
  if (form.recruiterVisible) form.recruiterVisible.checked = p.recruiterVisible;
  form.doNotSellOrShare.checked = p.doNotSellOrShare;
  // Only settings that were read can be saved: never overwrite them with
  // the form's defaults.
  document.getElementById('privacy-fields').disabled = false;
  banner.hidden = p.policyCurrent;
  const rows = (p.consents || []).map((c) => el('tr', {},
    el('td', {}, fmtDate(c.occurredAt)),
    el('td', {}, consentKinds[c.kind] || c.kind),
    el('td', {}, c.granted ? 'yes' : 'no'),
    el('td', {}, c.policyVersion || '')));
  consentsNode.replaceChildren(el('table', {},
    el('caption', { class: 'visually-hidden' }, 'Consent history'),
    el('thead', {}, el('tr', {}, ['Date', 'What', 'Choice', 'Policy version'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows)));
}

async function loadPrivacy() {
  try {
    renderPrivacy(await api('GET', '/api/v1/me/privacy'));
  } catch (err) {
    failed(consentsNode, err);
  }
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  privacyStatus.textContent = 'Saving…';
  privacyStatus.classList.remove('error');
  try {
    const body = { doNotSellOrShare: form.doNotSellOrShare.checked };
    if (form.recruiterVisible) body.recruiterVisible = form.recruiterVisible.checked;
    const p = await api('PUT', '/api/v1/me/privacy', body);
    renderPrivacy(p);
    privacyStatus.textContent = 'Privacy settings saved.';
  } catch (err) {
    privacyStatus.textContent = '';
    showError(privacyStatus, err);
  } finally {
    button.disabled = false;
  }
});

document.getElementById('withdraw').addEventListener('click', async () => {
  if (!window.confirm('Withdraw your consent? Moksho stops processing your data until you accept the policy again.')) return;
  try {
    await api('POST', '/api/v1/me/privacy/consent-withdrawal', {});
    await loadPrivacy();
    privacyStatus.textContent = 'Consent withdrawn.';
  } catch (err) {
    showError(privacyStatus, err);
  }
});

document.getElementById('accept-policy').addEventListener('click', async () => {
  try {
    const { version } = await api('GET', '/api/v1/policy');
    await api('POST', '/api/v1/me/privacy/policy-acceptance', { version, policyTextShown: false });
    await loadPrivacy();
  } catch (err) {
    showError(privacyStatus, err);
  }
});

// Candidates' tools are on the page for candidate accounts only.
if (resumesNode) loadResumes();
if (interviewsNode) loadInterviews();
loadPrivacy();
