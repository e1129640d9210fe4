// FaceNetML page, Videos: upload a video as a job, follow its progress, then play the annotated video and show a
// timeline with one row per person (a bar per segment: a button that plays from its start), the CSV and the MP4.
"use strict";
let shownJob = null;   // the id of the job on show
let pollTimer = null;
const mediaUrls = [];  // object URLs of fetched files, revoked when another job is shown

const seconds = (s) => `${s.toFixed(1)} s`;
const jobPath = (id) => `/v1/videos/${encodeURIComponent(id)}`;

// A file of the API for a link or a <video>: its own URL without a key; with one, a fetched blob (a plain src or href
// could not send the key).
async function apiFileUrl(path) {
  if (!keyInput.value) return path;
  const response = await fetch(path, { headers: { "X-API-Key": keyInput.value } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  mediaUrls.push(url);
  return url;
}

function forgetMedia() {
  for (const url of mediaUrls.splice(0)) URL.revokeObjectURL(url);
  const player = $("video-player");
  player.removeAttribute("src");
  player.load();
  player.hidden = true;
}

$("video-upload").addEventListener("submit", async (e) => {
  e.preventDefault();
  const file = $("video-file").files[0];
  if (!file) { showError("choose a video first"); return; }
  const form = new FormData();
  form.append("video", file, file.name);
  form.append("every", $("video-every").value || "1");
  $("video-run").disabled = true;
  $("video-status").textContent = `uploading ${file.name}…`;
  $("video-job").hidden = false;
  let r;
  try { r = await api("POST", "/v1/videos", form); } catch { $("video-status").textContent = ""; return; } finally { $("video-run").disabled = false; }
  showJson("video-json", r);
  showJob(r.id);
  refreshJobs();
});

$("video-cancel").addEventListener("click", async () => {
  if (!shownJob) return;
  let r;
  try { r = await api("DELETE", jobPath(shownJob)); } catch { return; }
  showJson("video-json", r);
  poll();
  refreshJobs();
});

// Shows a job and polls it while it is queued or running.
function showJob(id) {
  clearTimeout(pollTimer);
  shownJob = id;
  forgetMedia();
  $("video-timeline").replaceChildren();
  $("video-timeline-title").hidden = true;
  $("video-files").hidden = true;
  $("video-job").hidden = false;
  poll();
}

async function poll() {
  clearTimeout(pollTimer);
  const id = shownJob;
  if (!id) return;
  let r;
  try { r = await api("GET", jobPath(id)); } catch { return; }
  if (id !== shownJob) return;
  showJson("video-json", r);
  const p = r.progress;
  const bar = $("video-progress");
  bar.max = p.total || Math.max(p.frames, 1);
  bar.value = r.status === "done" ? bar.max : p.frames;
  const of = p.total ? ` of ${p.total}` : "";
  $("video-status").textContent = {
    queued: `${r.name}: waiting for a worker…`,
    running: `${r.name}: ${p.frames}${of} frames (${p.fps} frames/s)…`,
    done: `${r.name}: done, ${r.result?.frames} frames (${p.fps} frames/s); ${r.result?.segments.length} segment(s), ${r.result?.unknownFaces} unknown face(s)`,
    failed: `${r.name}: failed: ${r.error}`,
    cancelled: `${r.name}: cancelled`,
  }[r.status] ?? r.status;
  $("video-cancel").hidden = !(r.status === "queued" || r.status === "running");
  if (r.status === "queued" || r.status === "running") { pollTimer = setTimeout(poll, 1000); return; }
  if (r.status === "done") await showResult(r);
  refreshJobs();
}

async function showResult(r) {
  drawTimeline(r);
  const files = $("video-files");
  try {
    $("video-csv").href = await apiFileUrl(r.links.frames);
    $("video-mp4").href = await apiFileUrl(r.links.annotated);
    const player = $("video-player");
    player.src = $("video-mp4").href;
    player.hidden = false;
  } catch (e) { showError(e.message); }
  files.hidden = false;
}

// One row per person: their name (and best face), then a track as long as the video with a bar per segment.
function drawTimeline(r) {
  const list = $("video-timeline");
  list.replaceChildren();
  const duration = r.result.frames / r.result.frameRate;
  const people = [...new Set(r.result.segments.map((s) => s.person))];
  $("video-timeline-title").hidden = false;
  if (people.length === 0) {
    const li = document.createElement("li");
    li.textContent = "nobody of the gallery was found";
    list.append(li);
    return;
  }
  for (const person of people) {
    const segments = r.result.segments.filter((s) => s.person === person);
    const li = document.createElement("li");
    const who = document.createElement("span");
    who.className = "who";
    const best = segments.find((s) => s.bestFace);
    if (best) {
      const img = document.createElement("img");
      img.alt = `${person}'s most confident face`;
      img.width = img.height = 40;
      showApiImage(img, best.bestFace);
      who.append(img);
    }
    who.append(person);
    const track = document.createElement("div");
    track.className = "track";
    for (const s of segments) {
      const text = `${person}: ${seconds(s.start)} – ${seconds(s.end)}`;
      const bar = document.createElement("button");
      bar.type = "button";
      bar.className = "bar";
      bar.title = text;
      bar.setAttribute("aria-label", `${text}${s.bestConfidence == null ? "" : `, best confidence ${percent(s.bestConfidence)}`}; play from here`);
      bar.style.left = `${(100 * s.start) / duration}%`;
      bar.style.width = `${Math.max(0.5, (100 * (s.end - s.start)) / duration)}%`;
      bar.addEventListener("click", () => {
        const player = $("video-player");
        if (player.hidden) return;
        player.currentTime = s.start;
        player.play().catch(() => {});
      });
      track.append(bar);
    }
    li.append(who, track);
    list.append(li);
  }
}

// The jobs the server keeps, each a button that shows it.
async function refreshJobs() {
  let r;
  try { r = await api("GET", "/v1/videos"); } catch { return; }
  const list = $("video-jobs");
  list.replaceChildren();
  if (r.jobs.length === 0) {
    const li = document.createElement("li");
    li.textContent = "no video jobs";
    list.append(li);
  }
  for (const job of r.jobs) {
    const li = document.createElement("li");
    const open = document.createElement("button");
    open.type = "button";
    open.textContent = `${job.name}: ${job.status}`;
    open.setAttribute("aria-pressed", job.id === shownJob);
    open.addEventListener("click", () => showJob(job.id));
    li.append(open, ` (${new Date(job.created).toLocaleString()})`);
    list.append(li);
  }
}

document.addEventListener("facenetml:key", refreshJobs);
document.addEventListener("facenetml:tab", (e) => { if (e.detail === "tab-videos") refreshJobs(); });
