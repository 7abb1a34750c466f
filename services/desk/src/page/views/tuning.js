// Detector tuning (#/tuning): edit the configuration as JSON, dry-run it against the
// current one over the recent incidents (alerts that would appear, disappear or change,
// subscribers told differently), then apply it with a reason; below, every version with
// who changed it, when and why. The API allows it to keys with detectors:tune only; other
// keys are told so here.

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'className') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
}

function table(headers, rows) {
  const thead = el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h))));
  const tbody = el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c)))));
  return el('table', {}, thead, tbody);
}

const dimension = (a) => `${a.dimension.type} ${a.dimension.key}`;
const alertRow = (a) => [a.severity, a.status, a.detectors.join(', '), dimension(a), a.granularity, a.opened ? a.opened.slice(0, 10) : '', a.subscribers.join(', ')];
const ALERT_HEADERS = ['Severity', 'Status', 'Detectors', 'Dimension', 'Bucket', 'Opened', 'Would notify'];

function diffView(result) {
  const out = el('div', { className: 'dry-run', 'data-testid': 'dry-run-result' });
  const { counts } = result;
  out.append(el('p', {}, `Over ${result.window.incidents} incidents from ${result.window.from ?? '–'} to ${result.window.to ?? '–'}: `
    + `${result.current.version} raises ${result.current.alerts} alerts (${result.current.signals} signals), `
    + `${result.candidate.version} raises ${result.candidate.alerts} (${result.candidate.signals} signals). `
    + `${counts.appear} appear, ${counts.disappear} disappear, ${counts.change} change, ${counts.same} the same (${result.elapsed_ms} ms).`
    + (result.truncated ? ' Lists show their first 200.' : '')));
  if (result.appear.length) out.append(el('h4', {}, 'Would appear'), table(ALERT_HEADERS, result.appear.map(alertRow)));
  if (result.disappear.length) out.append(el('h4', {}, 'Would disappear'), table(ALERT_HEADERS, result.disappear.map(alertRow)));
  if (result.change.length) {
    out.append(el('h4', {}, 'Would change'), table(['Dimension', 'Changed', 'Now', 'With the candidate'], result.change.map((c) => [
      dimension(c.after), c.fields.join(', '),
      c.fields.map((f) => `${f}: ${JSON.stringify(c.before[f])}`).join('; '),
      c.fields.map((f) => `${f}: ${JSON.stringify(c.after[f])}`).join('; '),
    ])));
  }
  if (result.subscribers.length) {
    out.append(el('h4', {}, 'Subscribers notified differently'), table(['Subscription', 'Agency', 'Would gain', 'Would lose'],
      result.subscribers.map((s) => [s.subscription_id, s.agency, String(s.gained.length), String(s.lost.length)])));
  }
  return out;
}

function historyView(view) {
  return table(['Version', 'Replaced', 'By', 'When', 'Reason', 'Origin'], view.history.map((h) => [
    h.version + (h.version === view.current_version ? ' (in force)' : ''), h.previous_version ?? '', h.changed_by ?? '', h.changed_at ?? '', h.reason ?? '', h.origin,
  ]));
}

export async function mount(container, ctx) {
  container.append(el('h2', {}, 'Detector tuning'));
  const message = el('div', { className: 'message', role: 'status', 'aria-live': 'polite', 'data-testid': 'tuning-message' });
  container.append(message);
  let view;
  try {
    view = await ctx.api('GET', '/api/detector-config');
  } catch (err) {
    message.textContent = err.status === 403
      ? 'Tuning the detectors needs a key with the detectors:tune scope.'
      : `Cannot read the detector configuration: ${err.message}`;
    return undefined;
  }

  const editor = el('textarea', { id: 'tuning-editor', rows: '24', cols: '100', spellcheck: 'false', 'aria-label': 'Detector configuration (JSON)' });
  const reason = el('input', { id: 'tuning-reason', size: '60', placeholder: 'why this change (required)', 'aria-label': 'Reason' });
  const dryRunButton = el('button', { type: 'button', id: 'tuning-dry-run' }, 'Dry run');
  const applyButton = el('button', { type: 'button', id: 'tuning-apply' }, 'Apply');
  const result = el('div', { id: 'tuning-result' });
  const history = el('div', { id: 'tuning-history' });
  const windowNote = el('p', { className: 'hint' });

  const show = (next) => {
    view = next;
    editor.value = JSON.stringify(view.config, null, 2);
    windowNote.textContent = `In force: ${view.current_version}. Dry runs replay the last ${view.dry_run_window.days} days of incidents `
      + `(${view.dry_run_window.incidents} kept, ${view.dry_run_window.from ?? '–'} to ${view.dry_run_window.to ?? '–'}; at most ${Math.round(view.dry_run_window.max_bytes / 1048576)} MiB).`;
    history.replaceChildren(historyView(view));
  };
  /** The edited JSON, or null with the parse error shown. */
  const candidate = () => {
    try {
      return JSON.parse(editor.value);
    } catch (err) {
      message.textContent = `Not JSON: ${err.message}`;
      return null;
    }
  };
  const busy = async (button, work) => {
    button.disabled = true;
    try {
      await work();
    } catch (err) {
      // 400s start with the JSON pointer of the bad value; 409 means someone changed it first.
      message.textContent = err.status === 409 ? `${err.message}. Reload to see the current version.` : err.message;
    } finally {
      button.disabled = false;
    }
  };

  dryRunButton.addEventListener('click', () => busy(dryRunButton, async () => {
    const config = candidate();
    if (!config) return;
    message.textContent = 'Running both configurations over the recent incidents…';
    result.replaceChildren();
    const diff = await ctx.api('POST', '/api/detector-config/dry-run', { config });
    message.textContent = '';
    result.replaceChildren(diffView(diff));
  }));
  applyButton.addEventListener('click', () => busy(applyButton, async () => {
    const config = candidate();
    if (!config) return;
    if (reason.value.trim().length < 3) {
      message.textContent = 'Give a reason: it is kept in the history with your key.';
      return;
    }
    show(await ctx.api('PUT', '/api/detector-config', { config, previous_version: view.current_version, reason: reason.value.trim() }));
    reason.value = '';
    message.textContent = `Applied ${view.current_version}: detect scores the next buckets with it.`;
  }));

  container.append(
    windowNote,
    el('p', { className: 'hint' }, 'Edit the configuration (schemas/detector-config.v1; give it a new version), dry-run it, then apply it with a reason.'),
    editor,
    el('div', { className: 'filters' }, dryRunButton, el('label', {}, 'Reason ', reason), applyButton),
    result,
    el('h3', {}, 'History'),
    history,
  );
  show(view);
  return undefined;
}
