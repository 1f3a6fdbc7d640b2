// The emulator's inbox page: plain DOM code over the control API, refreshed by Server-Sent Events.
// Every user-provided string goes through textContent, never innerHTML.

const ui = {
  channelId: localStorage.getItem('fb-channel') || null,
  conversationId: null,
  conversations: [],
  openLog: new Set(),
};

const $ = (selector) => document.querySelector(selector);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined)
      node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function call(path, options = {}) {
  const init = { method: options.method || 'GET' };
  if (options.body !== undefined) {
    init.method = options.method || 'POST';
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = json?._error;
    const details = error?.details ? ` (${error.details.join('; ')})` : '';
    throw new Error(`${error ? error.message : `HTTP ${response.status}`}${details}`);
  }
  return json;
}

function shortTime(ms) {
  return new Date(ms).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

async function renderMeta() {
  const info = await call('/_emulator/info');
  $('#meta').replaceChildren(
    el('span', {}, 'API ', el('code', {}, info.api_url)),
    el('span', {}, 'app UID ', el('code', {}, info.app_uid)),
    el('span', {}, `deadline ${info.response_deadline_ms} ms`),
  );
  const urlInput = $('#add-channel-form [name=channel_url]');
  if (info.channel_url && !urlInput.value) urlInput.value = info.channel_url;
}

async function renderChannels() {
  const { channels } = await call('/_emulator/channels');
  if (!channels.some((channel) => channel.id === ui.channelId)) {
    ui.channelId = channels[0] ? channels[0].id : null;
  }
  // Open the form when there is nothing else to do; never close it here, or a failed attempt's
  // error message would vanish with the next refresh.
  if (channels.length === 0) $('#add-channel').open = true;
  $('#channel-list').replaceChildren(
    ...channels.map((channel) =>
      el(
        'li',
        {
          class: channel.id === ui.channelId ? 'channel-item selected' : 'channel-item',
          dataset: { channelId: channel.id },
          onclick: () => selectChannel(channel.id),
        },
        el('span', {}, channel.id, channel.status === 'offline' ? ' · offline' : ''),
        el('span', { class: 'sub', title: channel.webhook_url }, channel.webhook_url),
      ),
    ),
  );
  $('#delete-channel').hidden = !ui.channelId;
}

async function renderConversations() {
  const list = $('#conversation-list');
  if (!ui.channelId) {
    ui.conversations = [];
    list.replaceChildren();
    $('#conversations-empty').hidden = false;
    return;
  }
  const { conversations } = await call(
    `/_emulator/channels/${encodeURIComponent(ui.channelId)}/conversations`,
  );
  ui.conversations = conversations;
  $('#conversations-empty').hidden = conversations.length > 0;
  list.replaceChildren(...conversations.map(conversationItem));
}

function conversationItem(conversation) {
  const last = conversation.messages[conversation.messages.length - 1];
  const first = conversation.messages.find((m) => m.contact_handle);
  const contact = first
    ? [first.contact_name, first.contact_handle].filter(Boolean).join(' · ')
    : '(no contact)';
  return el(
    'li',
    {
      class:
        conversation.id === ui.conversationId ? 'selected conversation-item' : 'conversation-item',
      dataset: { conversationId: conversation.id },
      onclick: () => selectConversation(conversation.id),
    },
    el('span', { class: 'who' }, contact),
    el('span', { class: 'when' }, last ? shortTime(last.created_at) : ''),
    el(
      'span',
      { class: 'blurb' },
      conversation.subject ? `${conversation.subject} — ` : '',
      last ? last.text : '',
    ),
  );
}

function renderThread() {
  const conversation = ui.conversations.find((c) => c.id === ui.conversationId);
  $('#composer').hidden = !ui.channelId;
  $('#composer [name=to]').hidden = Boolean(conversation);
  $('#composer-mode').textContent = conversation ? 'Reply' : 'New message';
  if (!conversation) {
    $('#thread-title').textContent = ui.channelId ? 'New message' : 'Add a channel to start';
    $('#thread-ids').replaceChildren();
    $('#message-list').replaceChildren();
    return;
  }
  $('#thread-title').textContent =
    conversation.subject || conversation.messages[0]?.contact_handle || conversation.id;
  $('#thread-ids').replaceChildren(
    el('code', {}, conversation.id),
    ' · external ids: ',
    el('code', {}, conversation.external_conversation_ids.join(', ') || '—'),
    conversation.merged_from.length ? ` · merged from ${conversation.merged_from.join(', ')}` : '',
  );
  $('#message-list').replaceChildren(
    ...conversation.messages.map((message, index) =>
      messageItem(message, conversation.messages[index - 1]?.subject),
    ),
  );
  const list = $('#message-list');
  list.lastElementChild?.scrollIntoView({ block: 'end' });
}

function messageItem(message, previousSubject) {
  const direction = message.direction === 'inbound' ? 'Inbound' : 'Outbound';
  const source = { teammate: 'teammate', autoreply: 'auto-reply', sync: 'synced' }[message.source];
  return el(
    'li',
    { class: `message ${message.direction}`, dataset: { messageId: message.id } },
    el(
      'div',
      { class: 'head' },
      el('span', { class: 'dir' }, direction),
      el('span', {}, source),
      el('span', {}, shortTime(message.created_at)),
      el('span', { class: `status ${message.status}` }, message.status),
    ),
    message.subject && message.subject !== previousSubject
      ? el('div', { class: 'subject' }, el('strong', {}, message.subject))
      : null,
    el('div', { class: 'text' }, message.text),
    message.attachments.length
      ? el(
          'div',
          { class: 'files' },
          '📎 ',
          message.attachments.map((f) => `${f.filename} (${f.size} B)`).join(', '),
        )
      : null,
    el(
      'div',
      { class: 'ids mono' },
      el('span', {}, message.id),
      message.message_uid ? el('span', {}, `uid ${message.message_uid}`) : null,
      message.external_id ? el('span', {}, `ext ${message.external_id}`) : null,
      message.external_conversation_id
        ? el('span', {}, `thread ${message.external_conversation_id}`)
        : null,
    ),
    message.error
      ? el('div', { class: 'error' }, `${message.error_type || 'error'}: ${message.error}`)
      : null,
  );
}

async function renderLog() {
  const { entries } = await call('/_emulator/log');
  const rows = entries
    .slice(-200)
    .reverse()
    .flatMap((entry) => {
      const row = el(
        'tr',
        { class: 'entry', dataset: { n: entry.n }, onclick: () => toggleLog(entry.n) },
        el('td', {}, entry.n),
        el(
          'td',
          { class: entry.direction === 'to_channel' ? 'dir-out' : '' },
          entry.direction === 'to_channel' ? 'Front → channel' : 'channel → Front',
        ),
        el('td', {}, entry.kind, entry.repeat_of ? ` (repeat of #${entry.repeat_of})` : ''),
        el('td', { class: 'mono' }, `${entry.method} ${entry.url}`),
        el(
          'td',
          { class: entry.status && entry.status < 400 ? 'http-ok' : 'http-bad' },
          entry.status ?? entry.error ?? '—',
        ),
        el('td', {}, entry.duration_ms),
        el('td', {}, entry.verdict),
        el(
          'td',
          {},
          entry.direction === 'to_channel'
            ? el(
                'button',
                {
                  type: 'button',
                  class: 'ghost replay',
                  onclick: (event) => replay(event, entry.n),
                },
                'Replay',
              )
            : '',
        ),
      );
      if (!ui.openLog.has(entry.n)) return [row];
      const detail = el(
        'tr',
        { class: 'detail' },
        el(
          'td',
          { colspan: '8' },
          el(
            'div',
            { class: 'detail-grid' },
            el('pre', {}, JSON.stringify(entry.request_headers, null, 2)),
            el('pre', {}, prettyJson(entry.request_body)),
            el(
              'pre',
              {},
              `→ ${entry.status ?? entry.error}\n${prettyJson(entry.response_body ?? '')}`,
            ),
          ),
        ),
      );
      return [row, detail];
    });
  $('#log-body').replaceChildren(...rows);
}

function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function toggleLog(n) {
  if (ui.openLog.has(n)) ui.openLog.delete(n);
  else ui.openLog.add(n);
  renderLog();
}

async function replay(event, n) {
  event.stopPropagation();
  await call(`/_emulator/log/${n}/replay`, { method: 'POST' });
}

function selectChannel(id) {
  ui.channelId = id;
  ui.conversationId = null;
  localStorage.setItem('fb-channel', id);
  refresh();
}

function selectConversation(id) {
  ui.conversationId = id;
  for (const item of document.querySelectorAll('.conversation-item')) {
    item.classList.toggle('selected', item.dataset.conversationId === id);
  }
  renderThread();
}

let refreshing = null;
let again = false;
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      await renderChannels();
      await renderConversations();
      renderThread();
      await renderLog();
    } finally {
      refreshing = null;
      if (again) {
        again = false;
        refresh();
      }
    }
  })();
  return refreshing;
}

async function addChannel(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const data = new FormData(form);
  $('#add-channel-error').textContent = '';
  try {
    const body = { token: data.get('token') };
    if (data.get('channel_url')) body.channel_url = data.get('channel_url');
    const added = await call('/_emulator/channels', { body });
    form.elements.token.value = '';
    $('#add-channel').open = false;
    selectChannel(added.channel_id);
  } catch (error) {
    $('#add-channel-error').textContent = error.message;
  }
}

async function send(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const data = new FormData(form);
  const body = { text: data.get('text') };
  if (ui.conversationId) body.conversation_id = ui.conversationId;
  else
    body.to = String(data.get('to'))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (data.get('subject')) body.subject = data.get('subject');
  const path = data.get('autoreply') ? 'autoreplies' : 'messages';
  $('#composer-error').textContent = '';
  form.querySelector('button[type=submit]').disabled = true;
  try {
    const result = await call(`/_emulator/channels/${encodeURIComponent(ui.channelId)}/${path}`, {
      body,
    });
    form.elements.text.value = '';
    ui.conversationId = result.conversation_id;
    if (result.status === 'failed') $('#composer-error').textContent = `Failed: ${result.error}`;
    await refresh();
  } catch (error) {
    $('#composer-error').textContent = error.message;
  } finally {
    form.querySelector('button[type=submit]').disabled = false;
  }
}

async function removeChannel() {
  if (!ui.channelId || !confirm(`Remove ${ui.channelId}? Front sends the delete event.`)) return;
  await call(`/_emulator/channels/${encodeURIComponent(ui.channelId)}`, { method: 'DELETE' });
  ui.channelId = null;
  refresh();
}

function listen() {
  const source = new EventSource('/_emulator/events');
  let timer = null;
  source.addEventListener('open', () => {
    $('#live').classList.add('on');
    $('#live-text').textContent = 'live';
  });
  source.addEventListener('error', () => {
    $('#live').classList.remove('on');
    $('#live-text').textContent = 'reconnecting';
  });
  // Bursts of changes (an import and its event) collapse into one refresh.
  source.addEventListener('change', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 60);
  });
}

$('#add-channel-form').addEventListener('submit', addChannel);
$('#composer').addEventListener('submit', send);
$('#new-message').addEventListener('click', () => selectConversation(null));
$('#delete-channel').addEventListener('click', removeChannel);
renderMeta();
refresh();
listen();
