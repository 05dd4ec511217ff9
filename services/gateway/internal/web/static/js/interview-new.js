import { api, fillRoles, fmtDate, roles, roleTitle, el, showError } from './api.js';

const form = document.getElementById('interview-form');
const error = document.getElementById('interview-error');
const params = new URLSearchParams(location.search);

async function init() {
  await fillRoles(form.roleId, params.get('role'));
  const [{ assessments = [] }, list] = await Promise.all([api('GET', '/api/v1/resumes'), roles()]);
  for (const a of assessments) {
    form.assessmentId.append(el('option', { value: a.id, selected: a.id === params.get('assessment') },
      `${roleTitle(list, a.targetRole)}, fit ${a.fitScore}/100, ${fmtDate(a.createdAt)}`));
  }
}
init().catch((err) => showError(error, err));

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showError(error, null);
  if (!form.roleId.value) {
    showError(error, 'Choose a role.');
    form.roleId.focus();
    return;
  }
  const body = { roleId: form.roleId.value };
  if (form.assessmentId.value) body.assessmentId = form.assessmentId.value;
  const custom = form.customQuestions.value.split('\n').map((s) => s.trim()).filter(Boolean);
  if (custom.length) body.customQuestions = custom;
  const button = document.getElementById('interview-submit');
  button.disabled = true;
  try {
    const iv = await api('POST', '/api/v1/interviews', body);
    location.assign(`/app/interviews/${iv.id}`);
  } catch (err) {
    showError(error, err.status === 402 ? `${err.message} Your plan does not include another interview right now.` : err);
    button.disabled = false;
  }
});
