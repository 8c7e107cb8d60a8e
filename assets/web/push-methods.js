// The seed article's four ways for a server to push (plus SSE), each connected on its own from
// the same cursor, each measured: state, events, requests, bytes, and delay from commit.

const encoder = new TextEncoder();
const bytesOf = (text) => encoder.encode(text).length;

class Method {
  constructor(name, title, lab) {
    this.name = name;
    this.title = title;
    this.lab = lab;
    this.state = "idle";
    this.cursor = 0;
    this.epoch = null;
    this.events = 0;
    this.requests = 0;
    this.bytes = 0;
    this.delays = [];
    this.arrivals = [];
    this.stopped = false;
    this.retry = 1000;
  }

  start(cursor) {
    this.cursor = cursor;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.disconnect();
    this.setState("closed");
  }

  setState(state) {
    this.state = state;
    this.lab.render(this);
  }

  /// A hello or poll answer: its history, kept to resume with. A gap (the cursor older than
  /// the server keeps, or from another history) means the page may miss things: load it again.
  history(answer) {
    if (answer.gap) return location.reload();
    if (answer.epoch) this.epoch = answer.epoch;
  }

  /// `cursor=…&epoch=…` for the next request or stream.
  resume() {
    return `cursor=${this.cursor}` + (this.epoch ? `&epoch=${encodeURIComponent(this.epoch)}` : "");
  }

  /// Every transport hands its events here: each id is applied once, in order.
  receive(event) {
    if (typeof event.id !== "number" || event.id <= this.cursor) return;
    this.cursor = event.id;
    this.events += 1;
    this.retry = 1000;
    const delay = Date.now() - Date.parse(event.created_at);
    this.delays.push(delay);
    if (this.delays.length > 500) this.delays.shift();
    this.lab.arrived(this, event, delay);
  }

  /// Reconnects after a failure, backing off up to 30 s.
  again() {
    if (this.stopped) return;
    this.setState("reconnecting");
    const wait = this.retry / 2 + Math.random() * this.retry / 2;
    this.retry = Math.min(this.retry * 2, 30000);
    this.timer = setTimeout(() => this.connect(), wait);
  }

  lastDelay() { return this.delays.length ? this.delays[this.delays.length - 1] : null; }

  p95() {
    if (!this.delays.length) return null;
    const sorted = [...this.delays].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
  }
}

/// Asks `/api/poll?timeout=0` every few seconds: simple, late by up to the interval, and
/// mostly empty answers.
class Polling extends Method {
  constructor(lab, interval) {
    super("polling", "Polling", lab);
    this.interval = interval;
  }

  connect() {
    this.setState("open");
    this.tick();
  }

  async tick() {
    if (this.stopped) return;
    try {
      await this.poll(0);
      this.setState("open");
      this.timer = setTimeout(() => this.tick(), this.interval() * 1000);
    } catch {
      this.again();
    }
  }

  async poll(timeout) {
    this.requests += 1;
    this.controller = new AbortController();
    const response = await fetch(`/api/poll?${this.resume()}&timeout=${timeout}`, {
      headers: { Authorization: `Bearer ${this.lab.token}` },
      signal: this.controller.signal,
    });
    const text = await response.text();
    this.bytes += bytesOf(text);
    if (!response.ok) throw new Error(`poll answered ${response.status}`);
    const result = JSON.parse(text);
    this.history(result);
    for (const event of result.events) this.receive(event);
    this.lab.render(this);
  }

  disconnect() {
    clearTimeout(this.timer);
    this.controller?.abort();
  }
}

/// Holds `/api/poll` open until an event commits (or 25 s pass), then asks again at once.
class LongPolling extends Polling {
  constructor(lab) {
    super(lab, () => 0);
    this.name = "longpoll";
    this.title = "Long-polling";
  }

  async tick() {
    this.setState("open");
    while (!this.stopped) {
      try {
        await this.poll(25);
      } catch {
        return this.again();
      }
    }
  }
}

/// The legacy "forever iframe": a hidden document that never finishes loading and runs one
/// <script>parent.moments.push(…)</script> per event.
class IframeStreaming extends Method {
  constructor(lab) {
    super("iframe", "Iframe streaming", lab);
    window.moments = {
      hello: (hello) => { this.history(hello); this.setState("open"); },
      push: (event) => {
        this.bytes += bytesOf(JSON.stringify(event)) + 50;
        this.receive(event);
      },
      end: () => this.setState("reconnecting"),
    };
  }

  connect() {
    this.requests += 1;
    this.setState("connecting");
    const frame = document.createElement("iframe");
    frame.hidden = true;
    frame.title = "iframe stream";
    frame.src = `/api/iframe?${this.resume()}&token=${encodeURIComponent(this.lab.token)}`;
    // The document loads completely only when the server ends the stream: reconnect.
    frame.addEventListener("load", () => { this.disconnect(); this.again(); });
    document.body.append(frame);
    this.frame = frame;
  }

  disconnect() {
    clearTimeout(this.timer);
    this.frame?.remove();
    this.frame = null;
  }
}

/// One WebSocket: hello, the backlog after the cursor, then every event as a text frame.
class WebSocketMethod extends Method {
  constructor(lab) { super("websocket", "WebSocket", lab); }

  connect() {
    this.requests += 1;
    this.setState("connecting");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(
      `${scheme}://${location.host}/api/ws?${this.resume()}&token=${encodeURIComponent(this.lab.token)}`);
    socket.addEventListener("message", (message) => {
      this.bytes += bytesOf(message.data);
      const frame = JSON.parse(message.data);
      if (frame.type === "hello") {
        this.history(frame);
        this.setState("open");
      }
      else this.receive(frame);
      this.lab.render(this);
    });
    socket.addEventListener("close", () => { if (this.socket === socket) this.again(); });
    this.socket = socket;
  }

  disconnect() {
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }
}

/// Server-Sent Events: the standard form of HTTP streaming, through the browser's EventSource.
class ServerSentEvents extends Method {
  constructor(lab) { super("sse", "Server-Sent Events", lab); }

  connect() {
    this.requests += 1;
    this.setState("connecting");
    const source = new EventSource(`/api/sse?${this.resume()}&token=${encodeURIComponent(this.lab.token)}`);
    source.addEventListener("hello", (message) => {
      this.bytes += bytesOf(message.data) + 13;
      this.history(JSON.parse(message.data));
      this.setState("open");
    });
    for (const type of ["like", "unlike", "comment", "custom", "post"]) {
      source.addEventListener(type, (message) => {
        this.bytes += bytesOf(message.data) + bytesOf(`id: ${message.lastEventId}\nevent: ${type}\ndata: \n\n`);
        this.receive(JSON.parse(message.data));
        this.lab.render(this);
      });
    }
    // Reconnect ourselves with our own cursor rather than EventSource's retry of the old URL.
    source.addEventListener("error", () => { this.disconnect(); this.again(); });
    this.source = source;
  }

  disconnect() {
    clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
  }
}

/// The "four ways to push" panel: one column per method, lit up in order of arrival.
export class PushLab {
  constructor(container, intervalInput, onEvent) {
    this.container = container;
    this.onEvent = onEvent;
    this.rankByEvent = new Map();
    const interval = () => Math.max(0.5, Number(intervalInput.value) || 3);
    this.methods = [
      new Polling(this, interval),
      new LongPolling(this),
      new IframeStreaming(this),
      new WebSocketMethod(this),
      new ServerSentEvents(this),
    ];
    this.columns = new Map();
    for (const method of this.methods) {
      this.columns.set(method, this.column(method));
      this.render(method);
    }
  }

  start(token, cursor) {
    this.token = token;
    for (const method of this.methods) method.start(cursor);
  }

  stop() {
    for (const method of this.methods) method.stop();
  }

  column(method) {
    const article = document.createElement("article");
    article.className = "method";
    article.dataset.method = method.name;
    const title = document.createElement("h3");
    title.textContent = method.title;
    const rank = document.createElement("span");
    rank.className = "rank";
    const state = document.createElement("div");
    state.className = "state";
    const stats = document.createElement("dl");
    const values = {};
    for (const [key, label] of [["events", "events"], ["requests", "requests"], ["bytes", "bytes"],
                                ["last", "delay, last"], ["p95", "delay, p95"]]) {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.dataset.stat = key;
      stats.append(dt, dd);
      values[key] = dd;
    }
    const arrivals = document.createElement("ol");
    arrivals.className = "arrivals";
    article.append(rank, title, state, stats, arrivals);
    this.container.append(article);
    return { article, rank, state, values, arrivals };
  }

  arrived(method, event, delay) {
    const rank = (this.rankByEvent.get(event.id) || 0) + 1;
    this.rankByEvent.set(event.id, rank);
    const column = this.columns.get(method);
    column.rank.textContent = `#${rank}`;
    column.article.classList.remove("flash");
    void column.article.offsetWidth;  // restart the animation
    column.article.classList.add("flash");
    const item = document.createElement("li");
    item.dataset.eventId = event.id;
    item.textContent = `#${rank} · event ${event.id} · ${formatMs(delay)}`;
    column.arrivals.prepend(item);
    while (column.arrivals.children.length > 5) column.arrivals.lastChild.remove();
    column.article.dataset.eventIds = [...(column.article.dataset.eventIds || "").split(" ").filter(Boolean), event.id]
      .slice(-50).join(" ");
    this.render(method);
    this.onEvent(event, method);
  }

  render(method) {
    const column = this.columns.get(method);
    if (!column) return;
    column.article.dataset.state = method.state;
    column.article.dataset.events = method.events;
    column.state.textContent = method.state;
    column.values.events.textContent = method.events;
    column.values.requests.textContent = method.requests;
    column.values.bytes.textContent = formatBytes(method.bytes);
    column.values.last.textContent = formatMs(method.lastDelay());
    column.values.p95.textContent = formatMs(method.p95());
  }
}

function formatMs(ms) {
  if (ms === null) return "–";
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function formatBytes(bytes) {
  return bytes < 10240 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
