// FaceNetML page: plain JS against the JSON API (no build step).
"use strict";
const $ = (id) => document.getElementById(id);
const keyInput = $("api-key");
keyInput.value = localStorage.getItem("facenetml-key") || "";
keyInput.addEventListener("change", () => { localStorage.setItem("facenetml-key", keyInput.value); refreshPeople(); });

function showError(message) {
  const line = $("error");
  line.textContent = message || "";
  line.hidden = !message;
}

// Calls the API; a failure becomes the one-line error of the page (and a rejected promise).
async function api(method, path, form) {
  const headers = {};
  if (keyInput.value) headers["X-API-Key"] = keyInput.value;
  let response;
  try {
    response = await fetch(path, { method, body: form, headers });
  } catch (e) {
    showError(`cannot reach the server (${e.message})`);
    throw e;
  }
  const text = await response.text();
  let body;
  try { body = JSON.parse(text); } catch { body = { error: text.slice(0, 200) }; }
  if (!response.ok) {
    showError(`${response.status}: ${body.error || response.statusText}`);
    throw new Error(body.error);
  }
  showError("");
  return body;
}

// Draws a photo scaled into a canvas with boxes ([x, y, w, h] in photo pixels) and optional labels.
function loadImage(file) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`${file.name}: the browser cannot show this image`));
    img.src = URL.createObjectURL(file);
  });
}

function draw(canvas, img, boxes) {
  const maxW = canvas.dataset.maxw ? +canvas.dataset.maxw : (canvas.dataset.maxw = canvas.width);
  const scale = Math.min(maxW / img.naturalWidth, 400 / img.naturalHeight, 1);
  canvas.width = Math.round(img.naturalWidth * scale);
  canvas.height = Math.round(img.naturalHeight * scale);
  canvas.dataset.natural = img.naturalWidth;
  const g = canvas.getContext("2d");
  g.drawImage(img, 0, 0, canvas.width, canvas.height);
  g.lineWidth = 3;
  g.font = "bold 15px system-ui, sans-serif";
  for (const b of boxes) {
    const [x, y, w, h] = b.box.map((v) => v * scale);
    g.strokeStyle = b.color || "#2c3";
    g.strokeRect(x, y, w, h);
    if (b.label) {
      const tw = g.measureText(b.label).width + 8;
      const lx = Math.max(0, Math.min(x, canvas.width - tw)); // keep the label inside the canvas
      g.fillStyle = b.color || "#2c3";
      g.fillRect(lx, Math.max(0, y - 20), tw, 20);
      g.fillStyle = "#fff";
      g.fillText(b.label, lx + 4, Math.max(15, y - 5));
    }
  }
}

async function preview(input, canvas) {
  const file = input.files[0];
  if (!file) return;
  try { draw(canvas, await loadImage(file), []); } catch (e) { showError(e.message); }
}

// Drop zones: a dropped file goes into the zone's file input.
for (const zone of document.querySelectorAll(".drop")) {
  const input = $(zone.dataset.for);
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer.files.length) { input.files = e.dataTransfer.files; input.dispatchEvent(new Event("change")); }
  });
}

$("verify-a").addEventListener("change", () => preview($("verify-a"), $("verify-canvas-a")));
$("verify-b").addEventListener("change", () => preview($("verify-b"), $("verify-canvas-b")));
$("identify-file").addEventListener("change", () => preview($("identify-file"), $("identify-canvas")));

$("verify-run").addEventListener("click", async () => {
  const a = $("verify-a").files[0], b = $("verify-b").files[0];
  const verdict = $("verify-verdict");
  verdict.textContent = "";
  verdict.className = "";
  if (!a || !b) { showError("choose two photos first"); return; }
  const form = new FormData();
  form.append("a", a);
  form.append("b", b);
  verdict.textContent = "comparing…";
  let r;
  try { r = await api("POST", "/v1/verify", form); } catch { verdict.textContent = ""; return; }
  const color = r.same ? "#2c3" : "#d33";
  draw($("verify-canvas-a"), await loadImage(a), [{ box: r.faces.a, color }]);
  draw($("verify-canvas-b"), await loadImage(b), [{ box: r.faces.b, color }]);
  verdict.className = r.same ? "same" : "different";
  verdict.textContent = `${r.same ? "Same person" : "Different people"}: distance ${r.distance.toFixed(4)} ${r.same ? "<" : "≥"} threshold ${r.threshold} (${r.model})`;
});

$("identify-run").addEventListener("click", async () => {
  const file = $("identify-file").files[0];
  const list = $("identify-result");
  list.replaceChildren();
  if (!file) { showError("choose a photo first"); return; }
  const form = new FormData();
  form.append("image", file);
  let r;
  try { r = await api("POST", "/v1/identify", form); } catch { return; }
  const boxes = r.faces.map((f) => ({
    box: f.box,
    color: f.person ? "#2c3" : f.reason && /^too /.test(f.reason) ? "#999" : "#d90",
    label: f.person ? `${f.person} ${(f.confidence * 100).toFixed(0)}%` : "unknown",
  }));
  draw($("identify-canvas"), await loadImage(file), boxes);
  for (const f of r.faces) {
    const li = document.createElement("li");
    li.textContent = f.person
      ? `${f.person} (confidence ${f.confidence.toFixed(2)}, distance ${f.distance.toFixed(4)})`
      : `unknown${f.reason ? `, ${f.reason}` : ""} (nearest ${f.nearest ?? "nobody"}${f.distance != null ? ` at ${f.distance.toFixed(4)}` : ""})`;
    list.append(li);
  }
});

async function refreshPeople() {
  let r;
  try { r = await api("GET", "/v1/people"); } catch { return; }
  const list = $("people");
  list.replaceChildren();
  $("status").textContent = `model ${r.model}, ${r.people.length} enrolled`;
  if (r.people.length === 0) {
    const li = document.createElement("li");
    li.textContent = "nobody enrolled yet";
    list.append(li);
  }
  for (const p of r.people) {
    const li = document.createElement("li");
    li.textContent = `${p.name} (${p.embeddings} photo${p.embeddings === 1 ? "" : "s"})`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "remove";
    remove.addEventListener("click", async () => {
      try { await api("DELETE", `/v1/people/${encodeURIComponent(p.name)}`); } catch { return; }
      refreshPeople();
    });
    li.append(remove);
    list.append(li);
  }
}

$("enrol").addEventListener("submit", async (e) => {
  e.preventDefault();
  const name = $("enrol-name").value.trim();
  const files = $("enrol-files").files;
  if (!name || files.length === 0) { showError("give a name and one or more photos"); return; }
  const form = new FormData();
  for (const f of files) form.append("image", f);
  let r;
  try { r = await api("POST", `/v1/people/${encodeURIComponent(name)}`, form); } catch { return; }
  if (r.warnings.length) showError(r.warnings.join("; "));
  $("enrol").reset();
  refreshPeople();
});

(async () => {
  try {
    const h = await (await fetch("/health")).json();
    $("status").textContent = `model ${h.model}, ${h.people} enrolled`;
  } catch { $("status").textContent = "server unreachable"; }
  refreshPeople();
})();
