// FaceNetML page, Streams: add a live stream (name and URL), the streams with their status and counters (refreshed
// while the tab is shown), and the live events of every stream from GET /v1/events (EventSource), each with its crop.
"use strict";
const maxEvents = 50;
let eventSource = null;
let streamsTimer = null;

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

async function refreshStreams() {
  let r;
  try { r = await api("GET", "/v1/streams"); } catch { return; }
  showJson("streams-json", r);
  const body = $("streams-body");
  body.replaceChildren();
  $("streams-none").hidden = r.streams.length > 0;
  $("streams").hidden = r.streams.length === 0;
  for (const s of r.streams) {
    const tr = document.createElement("tr");
    const status = cell(s.status);
    status.className = `status-${s.status}`;
    if (s.error) status.title = s.error;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Stop watching ${s.name}`);
    remove.addEventListener("click", async () => {
      try { showJson("streams-json", await api("DELETE", `/v1/streams/${encodeURIComponent(s.name)}`)); } catch { return; }
      refreshStreams();
    });
    const actions = document.createElement("td");
    actions.append(remove);
    tr.append(cell(s.name), cell(s.url), status, cell(s.frames), cell(s.dropped), cell(s.events), actions);
    body.append(tr);
  }
}

// One line for an event: who appeared or left, or what happened to the connection.
function describe(e) {
  const at = new Date(e.time).toLocaleTimeString();
  if (e.type === "appeared" || e.type === "left") {
    const who = e.person ?? "an unknown person";
    const confidence = e.confidence === undefined ? "" : ` (confidence ${e.confidence.toFixed(2)})`;
    return `${at} ${e.stream}: ${who} ${e.type}${confidence}, track ${e.track}`;
  }
  return `${at} ${e.stream}: ${e.type}${e.reason ? ` (${e.reason})` : ""}`;
}

function showEvent(e) {
  const li = document.createElement("li");
  li.className = `event-${e.type}`;
  if (e.cropUrl) {
    const img = document.createElement("img");
    img.alt = `face of ${e.person ?? "an unknown person"}, track ${e.track}`;
    img.width = img.height = 64;
    showApiImage(img, e.cropUrl);
    li.append(img);
  }
  const text = document.createElement("span");
  text.textContent = describe(e);
  li.append(text);
  const list = $("stream-events");
  list.prepend(li);
  while (list.children.length > maxEvents) list.lastChild.remove();
  if (e.type !== "appeared" && e.type !== "left") refreshStreams();
}

// EventSource cannot send headers: the key, when there is one, goes in the query.
function connectEvents() {
  if (eventSource) eventSource.close();
  const url = keyInput.value ? `/v1/events?key=${encodeURIComponent(keyInput.value)}` : "/v1/events";
  eventSource = new EventSource(url);
  $("events-status").textContent = "connecting to the events…";
  eventSource.onopen = () => { $("events-status").textContent = "receiving events"; };
  eventSource.onerror = () => { $("events-status").textContent = "the event stream was interrupted; reconnecting…"; };
  eventSource.onmessage = (m) => showEvent(JSON.parse(m.data));
}

$("stream-add").addEventListener("submit", async (e) => {
  e.preventDefault();
  const name = $("stream-name").value.trim();
  const url = $("stream-url").value.trim();
  if (!name || !url) { showError("give the stream a name and a URL"); return; }
  let r;
  try { r = await api("POST", "/v1/streams", { url, name }); } catch { return; }
  showJson("streams-json", r);
  $("stream-add").reset();
  refreshStreams();
});

document.addEventListener("facenetml:key", () => { if (eventSource) connectEvents(); });
document.addEventListener("facenetml:tab", (e) => {
  clearInterval(streamsTimer);
  if (e.detail !== "tab-streams") return;
  if (!eventSource) connectEvents();
  refreshStreams();
  streamsTimer = setInterval(refreshStreams, 2000);
});
