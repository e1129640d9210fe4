// FaceNetML page, the API client: one call sends the API key (kept for this tab in sessionStorage) and turns a
// failure into the page's one-line error. Plain scripts, no build step; they share these globals.
"use strict";
const $ = (id) => document.getElementById(id);
const keyInput = $("api-key");
keyInput.value = sessionStorage.getItem("facenetml-key") || "";
keyInput.addEventListener("change", () => {
  sessionStorage.setItem("facenetml-key", keyInput.value);
  document.dispatchEvent(new Event("facenetml:key"));
});

function showError(message) {
  const line = $("error");
  line.textContent = message || "";
  line.hidden = !message;
}

// Shows an answer as indented JSON in a <pre> (the page's "JSON answer" boxes).
function showJson(id, body) {
  $(id).textContent = JSON.stringify(body, null, 2);
}

// Calls the API with a FormData, a plain object (sent as JSON) or nothing; resolves to the parsed answer.
async function api(method, path, body) {
  const headers = {};
  if (keyInput.value) headers["X-API-Key"] = keyInput.value;
  if (body && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, body, headers });
  } catch (e) {
    showError(`cannot reach the server (${e.message})`);
    throw e;
  }
  const text = await response.text();
  let answer;
  try { answer = JSON.parse(text); } catch { answer = { error: text.slice(0, 200) }; }
  if (!response.ok) {
    showError(`${response.status}: ${answer.error || response.statusText}`);
    const error = new Error(answer.error);
    error.status = response.status;
    throw error;
  }
  showError("");
  return answer;
}

// Loads an image of the API (a face thumbnail) with the key into an <img>: a plain src could not send the key.
async function showApiImage(img, path) {
  const headers = keyInput.value ? { "X-API-Key": keyInput.value } : {};
  try {
    const response = await fetch(path, { headers });
    if (!response.ok) return;
    img.onload = () => URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(await response.blob());
  } catch { /* the alt text stays */ }
}

const personPath = (name) => `/v1/people/${encodeURIComponent(name)}`;
