// FaceNetML page, Identify: every face of a photo boxed on the canvas and listed with its name, or "unknown" with the
// reason; an unknown face can be enrolled from here (the original photo plus the face's box).
"use strict";
$("identify-file").addEventListener("change", () => preview($("identify-file"), $("identify-canvas")));

$("identify-run").addEventListener("click", () => {
  const file = $("identify-file").files[0];
  if (!file) { showError("choose a photo first"); return; }
  identify(file);
});

const percent = (v) => (v == null ? "n/a" : `${(v * 100).toFixed(0)}%`);
const fixed = (v) => (v == null ? "n/a" : v.toFixed(4));

// Identifies a photo (a File, or a Blob from the camera) and shows the answer.
async function identify(image) {
  const list = $("identify-result");
  list.replaceChildren();
  const form = new FormData();
  form.append("image", image, image.name || "photo.jpg");
  let r;
  try { r = await api("POST", "/v1/identify", form); } catch { return; }
  showJson("identify-json", r);
  const boxes = r.faces.map((f) => ({
    box: f.box,
    color: f.person ? "#2c3" : f.reason && /^too /.test(f.reason) ? "#999" : "#d90",
    label: f.person ? `${f.person} ${percent(f.confidence)}` : "unknown",
  }));
  draw($("identify-canvas"), await loadImage(image), boxes);
  $("identify-canvas").setAttribute("aria-label", r.faces.length === 0 ? "the photo, no face found"
    : `the photo with ${r.faces.length} face${r.faces.length === 1 ? "" : "s"} boxed: ${boxes.map((b) => b.label).join(", ")}`);
  if (r.faces.length === 0) {
    const li = document.createElement("li");
    li.textContent = "no face found";
    list.append(li);
  }
  r.faces.forEach((f, i) => list.append(faceRow(f, i, image)));
}

function faceRow(face, index, image) {
  const li = document.createElement("li");
  const who = document.createElement("span");
  who.className = face.person ? "known" : "unknown";
  who.textContent = face.person ?? "unknown";
  li.append(`Face ${index + 1}: `, who);
  const facts = face.person
    ? ` (confidence ${percent(face.confidence)}, distance ${fixed(face.distance)})`
    : `${face.reason ? `: ${face.reason}` : ""} (nearest ${face.nearest ?? "nobody"}, confidence ${percent(face.confidence)}, distance ${fixed(face.distance)})`;
  li.append(facts);
  if (!face.person) li.append(enrolControl(face, index, image));
  return li;
}

// "Enrol this face": a button that opens a name field; saving POSTs the photo with the face's box to /v1/people/{name}.
function enrolControl(face, index, image) {
  const span = document.createElement("span");
  const open = document.createElement("button");
  open.type = "button";
  open.textContent = "Enrol this face";
  open.className = "enrol-face";
  const form = document.createElement("form");
  form.className = "inline";
  form.hidden = true;
  const id = `enrol-face-${index}`;
  form.innerHTML = `<label for="${id}">Name of face ${index + 1}</label><input id="${id}" type="text" required maxlength="100"><button type="submit">Save</button>`;
  open.addEventListener("click", () => { form.hidden = false; open.hidden = true; form.querySelector("input").focus(); });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = form.querySelector("input").value.trim();
    if (!name) return;
    const body = new FormData();
    body.append("image", image, image.name || "photo.jpg");
    body.append("box", face.box.map((v) => Math.round(v)).join(","));
    let r;
    try { r = await api("POST", personPath(name), body); } catch { return; }
    showJson("identify-json", r);
    form.replaceWith(`enrolled as ${r.name}`);
    document.dispatchEvent(new Event("facenetml:people"));
  });
  span.append(open, form);
  return span;
}
