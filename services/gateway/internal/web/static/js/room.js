// The interview room: one question at a time, answered by recording
// (camera or microphone, checked first) or by typing; then the answer's
// progress, transcript, score and feedback, live.
import { api, ApiError, el, fmtScore, handle, notice, roles, roleTitle, showError } from './api.js';

const id = document.body.dataset.id;
const $ = (x) => document.getElementById(x);
const maxUploadBytes = 200 << 20;

let iv = null; // the interview
let index = 0; // the question on screen
let pollToken = 0; // bumps to cancel a running poll
let busy = false; // a request about the question on screen is running

// ---------- loading and navigation

async function loadInterview() {
  iv = await api('GET', `/api/v1/interviews/${encodeURIComponent(id)}`);
  return iv;
}

function question() { return iv.questions[index]; }

function renderNav() {
  const nav = $('question-nav');
  nav.replaceChildren(el('ol', {}, iv.questions.map((q, i) => {
    const state = q.answerId ? (q.answerScore !== null && q.answerScore !== undefined ? `scored ${fmtScore(q.answerScore)}` : 'answered') : 'not answered';
    return el('li', {}, el('button', {
      type: 'button', class: i === index ? 'current' : '', 'aria-current': i === index ? 'step' : null,
      disabled: busy, onclick: () => show(i, true),
    }, `Question ${i + 1}`, el('span', { class: 'state' }, state)));
  })));
  const answered = iv.questions.filter((q) => q.answerId).length;
  $('room-summary').textContent = `${answered} of ${iv.questions.length} questions answered.`;
  const finished = iv.status !== 'in_progress';
  $('complete').hidden = finished;
  let overall = '';
  if (iv.status === 'scored') overall = `Interview scored: ${fmtScore(iv.overallScore)} / 10 overall.`;
  else if (iv.status === 'completed') overall = 'Interview finished: the overall score appears once every answer is scored.';
  setText($('overall'), overall);
  $('prev').disabled = busy || index === 0;
  $('next').disabled = busy || index === iv.questions.length - 1;
}

// setText changes a node's text only when it differs, so that live
// regions announce changes, not every poll.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// setBusy blocks moving to another question while a request about this
// one runs, so that its answer cannot land on another question.
function setBusy(b) {
  busy = b;
  renderNav();
}

// resetAnswerView clears what the previous question's answer showed.
function resetAnswerView() {
  $('answer-status').textContent = '';
  delete $('answer-status').dataset.status;
  for (const li of $('answer-steps').querySelectorAll('li')) {
    li.className = '';
    li.removeAttribute('aria-current');
  }
  $('answer-failed').hidden = true;
  $('transcript-box').hidden = true;
  $('score-box').hidden = true;
  $('correction').value = '';
  delete $('correction').dataset.answer;
  const media = $('answer-media');
  media.pause();
  media.removeAttribute('src');
  delete media.dataset.answer;
  media.hidden = true;
  media.load();
}

function show(i, moveFocus = false) {
  index = Math.max(0, Math.min(i, iv.questions.length - 1));
  pollToken++;
  resetRecorder();
  resetAnswerView();
  notice('');
  const q = question();
  const url = new URL(location.href);
  url.searchParams.set('q', q.id);
  history.replaceState(null, '', url);
  $('question').hidden = false;
  $('question-text').textContent = q.text;
  $('question-meta').textContent = `Question ${index + 1} of ${iv.questions.length} · ${kindWords(q)}`;
  showError($('answer-error'), null);
  renderNav();
  // Tell keyboard and screen-reader users the question changed.
  if (moveFocus) $('question-text').focus();
  if (q.answerId) {
    $('answer-input').hidden = true;
    $('answer').hidden = false;
    watchAnswer(q.answerId);
  } else {
    $('answer').hidden = true;
    $('answer-input').hidden = iv.status !== 'in_progress';
    if (iv.status !== 'in_progress') notice('This interview is finished: unanswered questions count as missing.');
    $('typed').value = sessionStorage.getItem(draftKey()) || '';
  }
}

function kindWords(q) {
  const topic = (q.competency || q.skill || '').replaceAll('-', ' ');
  const kind = { behavioural: 'Behavioural', technical: 'Technical', situational: 'Situational', resume: 'From your resume', custom: 'Your question' }[q.kind] || q.kind;
  return topic ? `${kind}: ${topic}` : kind;
}

$('prev').addEventListener('click', () => show(index - 1, true));
$('next').addEventListener('click', () => show(index + 1, true));

// ---------- answering by typing

function draftKey() { return `moksho-draft:${id}:${question().id}`; }

$('typed').addEventListener('input', () => sessionStorage.setItem(draftKey(), $('typed').value));

$('submit-typed').addEventListener('click', async () => {
  const text = $('typed').value.trim();
  showError($('answer-error'), null);
  if (!text) {
    showError($('answer-error'), 'Write your answer first.');
    $('typed').focus();
    return;
  }
  const button = $('submit-typed');
  const q = question();
  const draft = draftKey();
  button.disabled = true;
  setBusy(true);
  try {
    const res = await api('PUT', answerPath(q), text, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    sessionStorage.removeItem(draft);
    setBusy(false);
    answered(q, res.answerId);
  } catch (err) {
    setBusy(false);
    await refused(err);
  } finally {
    button.disabled = false;
  }
});

function answerPath(q) {
  return `/api/v1/interviews/${encodeURIComponent(id)}/questions/${encodeURIComponent(q.id)}/answer`;
}

// answered records the answer of question q and shows it.
function answered(q, answerId) {
  q.answerId = answerId;
  q.answerScore = null;
  show(iv.questions.indexOf(q), true);
}

// refused shows why an answer was not taken; when the interview finished
// meanwhile (in another tab, say) the page catches up.
async function refused(err) {
  showError($('answer-error'), err);
  if (err.status === 409) {
    try {
      await loadInterview();
      show(index);
      showError($('answer-error'), err);
    } catch {
      // The message above stands.
    }
  }
}

// ---------- tabs

for (const [tab, panel, other, otherPanel] of [['tab-record', 'panel-record', 'tab-type', 'panel-type'], ['tab-type', 'panel-type', 'tab-record', 'panel-record']]) {
  $(tab).addEventListener('click', () => {
    $(tab).setAttribute('aria-selected', 'true');
    $(tab).tabIndex = 0;
    $(other).setAttribute('aria-selected', 'false');
    $(other).tabIndex = -1;
    $(panel).hidden = false;
    $(otherPanel).hidden = true;
  });
  $(tab).addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') {
      $(other).click();
      $(other).focus();
    }
  });
}

// ---------- recording

let stream = null;
let recorder = null;
let chunks = [];
let recording = null; // the Blob to upload
let meterStop = null;
let timer = null;

// releaseDevices turns the camera and microphone off once a recording is
// sent, and says so.
function releaseDevices() {
  stopStream();
  $('preview').hidden = true;
  $('preview').srcObject = null;
  $('level-box').hidden = true;
  $('device-status').textContent = 'Camera and microphone are off. Check them again to record your next answer.';
}

function stopStream() {
  if (meterStop) meterStop();
  meterStop = null;
  if (stream) for (const t of stream.getTracks()) t.stop();
  stream = null;
}

function resetRecorder() {
  const rec = recorder;
  recorder = null;
  if (rec && rec.state !== 'inactive') rec.stop();
  clearInterval(timer);
  $('rec-time').textContent = '';
  recording = null;
  const pb = $('playback');
  if (pb.src) URL.revokeObjectURL(pb.src);
  pb.removeAttribute('src');
  $('playback-box').hidden = true;
  $('upload-progress').hidden = true;
  $('progress-label').hidden = true;
  $('record').disabled = !stream;
  $('stop').disabled = true;
}

$('device-check').addEventListener('click', async () => {
  stopStream();
  resetRecorder();
  const status = $('device-status');
  const wantVideo = !$('audio-only').checked;
  status.textContent = 'Asking for your camera and microphone…';
  if (!navigator.mediaDevices || !window.MediaRecorder) {
    status.textContent = 'This browser cannot record here: type your answer instead.';
    $('tab-type').click();
    return;
  }
  try {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: wantVideo });
    } catch (err) {
      if (!wantVideo || err.name === 'NotAllowedError') throw err;
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      $('audio-only').checked = true;
    }
  } catch (err) {
    status.textContent = {
      NotAllowedError: 'The browser was not allowed to use your microphone: allow it in the address bar, or type your answer instead.',
      NotReadableError: 'Your camera or microphone is in use by another application: close it, then check again, or type your answer instead.',
      NotFoundError: 'No microphone was found: connect one, or type your answer instead.',
    }[err.name] || `The camera or microphone could not be started (${err.name}): try again, or type your answer instead.`;
    return;
  }
  const hasVideo = stream.getVideoTracks().length > 0;
  const preview = $('preview');
  preview.hidden = !hasVideo;
  if (hasVideo) preview.srcObject = stream;
  $('level-box').hidden = false;
  startMeter(stream);
  status.textContent = hasVideo
    ? 'Camera and microphone ready. Speak to see the level move, then start recording.'
    : 'Microphone ready (audio only). Speak to see the level move, then start recording.';
  $('record').disabled = false;
});

// startMeter shows the microphone's loudness, so a dead microphone shows
// before an answer is recorded rather than after.
function startMeter(s) {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  const ctx = new Ctx();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  ctx.createMediaStreamSource(s).connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  const meter = $('level');
  let frame = 0;
  const tick = () => {
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    meter.value = Math.min(1, Math.sqrt(sum / buf.length) * 4);
    frame = requestAnimationFrame(tick);
  };
  tick();
  meterStop = () => { cancelAnimationFrame(frame); ctx.close(); meter.value = 0; };
}

function recorderType(hasVideo) {
  const types = hasVideo
    ? ['video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4']
    : ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];
  return types.find((t) => MediaRecorder.isTypeSupported(t)) || '';
}

$('record').addEventListener('click', () => {
  resetRecorder();
  const hasVideo = stream.getVideoTracks().length > 0;
  const mimeType = recorderType(hasVideo);
  const rec = new MediaRecorder(stream, mimeType ? { mimeType } : {});
  recorder = rec;
  chunks = [];
  rec.addEventListener('dataavailable', (ev) => { if (ev.data.size && recorder === rec) chunks.push(ev.data); });
  rec.addEventListener('stop', () => {
    // A recording stopped by moving to another question is dropped.
    if (recorder !== rec) return;
    clearInterval(timer);
    const type = rec.mimeType || mimeType || (hasVideo ? 'video/webm' : 'audio/webm');
    recording = new Blob(chunks, { type });
    const pb = $('playback');
    pb.src = URL.createObjectURL(recording);
    $('playback-box').hidden = false;
    $('record').disabled = true;
    $('stop').disabled = true;
    $('device-status').textContent = 'Recording stopped. Listen back, then submit it or record again.';
    $('upload').focus();
  });
  rec.start(1000);
  const started = Date.now();
  timer = setInterval(() => {
    const s = Math.round((Date.now() - started) / 1000);
    $('rec-time').textContent = `Recording ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }, 500);
  $('record').disabled = true;
  $('stop').disabled = false;
  $('stop').focus();
  $('device-status').textContent = 'Recording… press Stop when you have finished your answer.';
});

$('stop').addEventListener('click', () => {
  if (recorder && recorder.state !== 'inactive') recorder.stop();
});

$('rerecord').addEventListener('click', () => {
  resetRecorder();
  $('record').focus();
});

$('upload').addEventListener('click', () => {
  if (!recording) return;
  showError($('answer-error'), null);
  if (recording.size > maxUploadBytes) {
    showError($('answer-error'), 'This recording is over 200 MB: keep the answer to a few minutes and record again.');
    return;
  }
  const progress = $('upload-progress');
  progress.hidden = false;
  $('progress-label').hidden = false;
  progress.value = 0;
  $('upload').disabled = true;
  $('rerecord').disabled = true;
  const q = question();
  setBusy(true);
  const xhr = new XMLHttpRequest();
  xhr.open('PUT', answerPath(q));
  xhr.setRequestHeader('Content-Type', recording.type);
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.upload.addEventListener('progress', (ev) => {
    if (ev.lengthComputable) progress.value = Math.round((ev.loaded / ev.total) * 100);
  });
  const done = () => { $('upload').disabled = false; $('rerecord').disabled = false; setBusy(false); };
  xhr.addEventListener('load', () => {
    done();
    try {
      // An ended session must not cost the recording: no redirect here.
      const res = handle(xhr.status, xhr.responseText, { redirect401: false });
      releaseDevices();
      answered(q, res.answerId);
    } catch (err) {
      if (err.status === 401) {
        const box = $('answer-error');
        box.replaceChildren('Your session has ended. ',
          el('a', { href: '/login?next=' + encodeURIComponent('/app'), target: '_blank', rel: 'noopener' }, 'Log in again in a new tab'),
          ', then submit this recording again: it is still here.');
        box.hidden = false;
        return;
      }
      refused(err);
    }
  });
  xhr.addEventListener('error', () => {
    done();
    showError($('answer-error'), 'The upload failed: check your connection and submit again; your recording is still here.');
  });
  xhr.send(recording);
});

// ---------- the answer's progress and result

const stepOrder = ['received', 'transcribing', 'scoring', 'scored'];
const statusWords = {
  received: 'Received: waiting its turn.',
  transcribing: 'Transcribing your recording…',
  scoring: 'Scoring your answer…',
  scored: 'Scored.',
  failed: 'This answer could not be scored.',
};

async function watchAnswer(answerId) {
  const token = ++pollToken;
  let delay = 700;
  for (;;) {
    let a;
    try {
      a = await api('GET', `/api/v1/answers/${encodeURIComponent(answerId)}`);
    } catch (err) {
      if (token !== pollToken) return;
      if (!(err instanceof ApiError) || err.status >= 500 || err.status === 0) {
        setText($('answer-status'), 'Waiting for the answer’s status…');
        await sleep(3000);
        continue;
      }
      $('answer-status').textContent = err.message;
      return;
    }
    if (token !== pollToken) return;
    renderAnswer(a);
    if (a.status === 'scored' || a.status === 'failed') {
      if (a.status === 'scored') await refreshInterview(a);
      return;
    }
    await sleep(delay);
    delay = Math.min(delay * 1.3, 3000);
  }
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

async function refreshInterview(a) {
  const q = iv.questions.find((x) => x.answerId === a.id);
  if (q) q.answerScore = a.score;
  try {
    const fresh = await loadInterview();
    iv = fresh;
  } catch {
    // The nav keeps what it had.
  }
  renderNav();
  if (iv.status === 'completed') pollInterview();
}

function renderAnswer(a) {
  const at = stepOrder.indexOf(a.status);
  for (const li of $('answer-steps').querySelectorAll('li')) {
    const i = stepOrder.indexOf(li.dataset.step);
    li.className = a.status === 'failed' ? '' : i < at ? 'done' : i === at ? 'current' : '';
    if (i === at) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
    if (li.dataset.step === 'transcribing') li.hidden = !a.recorded;
  }
  setText($('answer-status'), statusWords[a.status] || a.status);
  $('answer-status').dataset.status = a.status;

  $('answer-failed').hidden = a.status !== 'failed';
  if (a.status === 'failed') $('failure-reason').textContent = a.failureReason || 'Something went wrong.';

  const media = $('answer-media');
  media.hidden = !a.mediaUrl;
  if (a.mediaUrl && media.dataset.answer !== a.id) {
    media.dataset.answer = a.id;
    media.src = a.mediaUrl;
  }

  $('transcript-box').hidden = !a.transcript;
  if (a.transcript) {
    $('transcript-heading').textContent = a.recorded ? 'Transcript' : 'Your answer';
    setText($('transcript'), a.transcript + (a.transcriptCorrected ? ' (corrected by you)' : ''));
    $('correct-form').hidden = !(a.recorded && a.transcriptCorrectable);
    if (document.activeElement !== $('correction') && $('correction').dataset.answer !== a.id + a.transcript) {
      $('correction').value = a.transcript;
      $('correction').dataset.answer = a.id + a.transcript;
    }
  }

  $('score-box').hidden = a.status !== 'scored';
  if (a.status === 'scored') {
    $('score').textContent = fmtScore(a.score);
    $('feedback').textContent = a.feedback || '';
    $('dimensions').replaceChildren(...(a.dimensions || []).map((d) => el('tr', {},
      el('th', { scope: 'row' }, d.name), el('td', {}, fmtScore(d.score)), el('td', {}, d.feedback || ''))));
    const dl = $('delivery');
    dl.hidden = !a.delivery;
    if (a.delivery) {
      const d = a.delivery;
      dl.replaceChildren(
        el('dt', {}, 'Pace'), el('dd', {}, `${Math.round(d.wordsPerMinute)} words per minute`),
        el('dt', {}, 'Filler words'), el('dd', {}, `${d.fillerRate.toFixed(1)} per 100 words`),
        el('dt', {}, 'Long pauses'), el('dd', {}, String(d.longPauses)),
        el('dt', {}, 'Talk time'), el('dd', {}, `${Math.round(d.talkSeconds)} seconds`));
    }
  }
}

$('correct-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const a = question().answerId;
  const text = $('correction').value.trim();
  showError($('answer-error'), null);
  if (!text) {
    showError($('answer-error'), 'The transcript cannot be empty.');
    return;
  }
  const button = $('correct-form').querySelector('button');
  button.disabled = true;
  setBusy(true);
  try {
    await api('PUT', `/api/v1/answers/${encodeURIComponent(a)}/transcript`, { text });
    notice('Correction saved: scoring again.');
    if (question().answerId === a) watchAnswer(a);
  } catch (err) {
    showError($('answer-error'), err);
  } finally {
    button.disabled = false;
    setBusy(false);
  }
});

$('retry').addEventListener('click', async () => {
  const a = question().answerId;
  $('retry').disabled = true;
  try {
    await api('POST', `/api/v1/answers/${encodeURIComponent(a)}/retry`, {});
    if (question().answerId === a) watchAnswer(a);
  } catch (err) {
    $('failure-reason').textContent = err.message;
  } finally {
    $('retry').disabled = false;
  }
});

// ---------- finishing

$('complete').addEventListener('click', async () => {
  const unanswered = iv.questions.filter((q) => !q.answerId).length;
  if (unanswered && !window.confirm(`${unanswered} question(s) are unanswered and will count as missing. Finish now?`)) return;
  $('complete').disabled = true;
  try {
    await api('POST', `/api/v1/interviews/${encodeURIComponent(id)}/complete`, {});
    await loadInterview();
    show(index);
    pollInterview();
  } catch (err) {
    $('overall').textContent = err.message;
  } finally {
    $('complete').disabled = false;
  }
});

// pollInterview waits for the overall score of a finished interview; one
// poll at a time.
let polling = false;
async function pollInterview() {
  if (polling) return;
  polling = true;
  try {
    for (let i = 0; i < 120 && iv.status !== 'scored'; i++) {
      await sleep(1500);
      try { await loadInterview(); } catch { continue; }
      renderNav();
    }
    if (iv.status !== 'scored') {
      setText($('overall'), 'The overall score is not ready yet: an answer may still be waiting or may have failed. Come back to this page later.');
    }
  } finally {
    polling = false;
  }
}

// ---------- start

(async () => {
  try {
    await loadInterview();
  } catch (err) {
    $('room-title').textContent = 'Interview not available';
    $('room-summary').textContent = err.message;
    $('finish-box').hidden = true;
    return;
  }
  try {
    $('room-title').textContent = `Interview: ${roleTitle(await roles(), iv.roleId)}`;
  } catch {
    // Keep the generic title.
  }
  const want = new URLSearchParams(location.search).get('q');
  let start = iv.questions.findIndex((q) => q.id === want);
  if (start < 0) start = Math.max(0, iv.questions.findIndex((q) => !q.answerId));
  show(start);
  if (iv.status === 'completed') pollInterview();
})();
