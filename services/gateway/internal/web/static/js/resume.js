import { api, el, fillRoles, fmtDate, showError } from './api.js';

const maxBytes = 5 << 20;
const accepted = ['.pdf', '.docx', '.txt', '.md', '.markdown'];

// ---- upload (/app/resumes/new)
const form = document.getElementById('resume-form');
if (form) {
  const input = document.getElementById('file');
  const zone = document.getElementById('dropzone');
  const fileStatus = document.getElementById('file-status');
  const fileError = document.getElementById('file-error');
  const formError = document.getElementById('resume-error');
  let file = null;

  fillRoles(form.targetRole, new URLSearchParams(location.search).get('role')).catch((err) => showError(formError, err));

  // choose checks a file before anything is sent: type and size.
  function choose(f) {
    file = null;
    showError(fileError, null);
    if (!f) {
      fileStatus.textContent = 'No file chosen.';
      return;
    }
    const name = f.name.toLowerCase();
    if (!accepted.some((ext) => name.endsWith(ext))) {
      showError(fileError, `${f.name} is not a PDF, DOCX, TXT or Markdown file.`);
      fileStatus.textContent = 'No file chosen.';
      return;
    }
    if (f.size === 0) {
      showError(fileError, `${f.name} is empty.`);
      fileStatus.textContent = 'No file chosen.';
      return;
    }
    if (f.size > maxBytes) {
      showError(fileError, `${f.name} is ${(f.size / 1048576).toFixed(1)} MB: the limit is 5 MB.`);
      fileStatus.textContent = 'No file chosen.';
      return;
    }
    file = f;
    fileStatus.textContent = `Chosen: ${f.name} (${Math.max(1, Math.round(f.size / 1024))} KB).`;
  }
  input.addEventListener('change', () => choose(input.files[0]));
  zone.addEventListener('dragover', (ev) => { ev.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    const files = ev.dataTransfer.files;
    if (files.length > 1) {
      showError(fileError, 'Drop one file at a time.');
      return;
    }
    choose(files[0]);
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError(formError, null);
    if (!file) {
      showError(fileError, fileError.hidden ? 'Choose a resume file first.' : fileError.textContent);
      input.focus();
      return;
    }
    if (!form.targetRole.value) {
      showError(formError, 'Choose the role you are aiming for.');
      form.targetRole.focus();
      return;
    }
    const body = new FormData();
    body.append('file', file, file.name);
    body.append('targetRole', form.targetRole.value);
    if (form.jobDescription.value.trim()) body.append('jobDescription', form.jobDescription.value);
    const button = document.getElementById('resume-submit');
    button.disabled = true;
    button.textContent = 'Assessing…';
    try {
      const a = await api('POST', '/api/v1/resumes', body);
      location.assign(`/app/resumes/${a.id}`);
    } catch (err) {
      showError(formError, err);
      button.disabled = false;
      button.textContent = 'Assess my resume';
    }
  });
}

// ---- assessment (/app/resumes/{id})
const view = document.getElementById('assessment');
if (view) {
  api('GET', `/api/v1/resumes/${encodeURIComponent(document.body.dataset.id)}`)
    .then(render)
    .catch((err) => view.replaceChildren(el('p', { class: 'error', role: 'alert' }, err.message)));
}

function chips(list, cls) {
  if (!list || !list.length) return el('p', { class: 'hint' }, 'None.');
  return el('ul', { class: 'chips ' + cls }, list.map((s) => el('li', {}, s)));
}

function render(a) {
  const x = a.fitExplanation || {};
  const parts = [
    el('p', { class: 'bigscore' }, el('span', { id: 'fit-score' }, String(a.fitScore)), ' / 100 fit for ', el('strong', {}, a.targetRoleTitle || a.targetRole)),
    el('meter', { min: 0, max: 100, low: 50, high: 75, optimum: 100, value: a.fitScore, 'aria-label': 'Fit score' }),
    el('p', { class: 'hint' }, `Assessed ${fmtDate(a.createdAt)}; this assessment is deleted on ${fmtDate(a.expiresAt)}.`),
    el('h2', {}, 'How the score is made'),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Part'), el('th', { scope: 'col' }, 'Points'), el('th', { scope: 'col' }, 'Why'))),
      el('tbody', {}, (x.components || []).map((c) => el('tr', {},
        el('td', {}, c.name), el('td', { class: 'num' }, `${c.points.toFixed(1)} / ${c.maxPoints.toFixed(0)}`), el('td', {}, c.detail))))),
    el('p', {}, `Experience: about ${(x.yearsExperience || 0).toFixed(1)} years.`,
      (x.senioritySignals || []).length ? ` Seniority signals: ${x.senioritySignals.join(', ')}.` : ''),
    el('h2', {}, 'Skills found'),
    chips(a.skills, 'found'),
    el('h2', {}, 'Skills the role asks for that we did not find'),
    el('h3', {}, 'Required'), chips(x.requiredMissing, 'missing'),
    el('h3', {}, 'Nice to have'), chips(x.niceToHaveMissing, 'missing'),
  ];
  if (a.keywordCoverage) {
    const k = a.keywordCoverage;
    parts.push(el('h2', {}, `Job description coverage: ${k.score}%`),
      el('p', { class: 'hint' }, 'The terms an applicant tracking system would weigh, most important first.'),
      el('h3', {}, 'Covered'), chips((k.found || []).map((t) => t.term), 'found'),
      el('h3', {}, 'Missing'), chips((k.missing || []).map((t) => t.term), 'missing'));
  }
  parts.push(el('h2', {}, 'Recommendations'));
  parts.push((a.recommendations || []).length
    ? el('ol', { class: 'recommendations' }, a.recommendations.map((r) => el('li', {}, r.message, r.quote ? el('blockquote', {}, r.quote) : null)))
    : el('p', {}, 'Nothing to change: this resume reads well for the role.'));
  parts.push(el('p', {}, el('a', { class: 'button', href: `/app/interviews/new?role=${encodeURIComponent(a.targetRole)}&assessment=${encodeURIComponent(a.id)}` }, 'Practise an interview for this role')));
  view.replaceChildren(...parts);
}
