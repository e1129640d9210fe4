// FaceNetML page, People: a grid of the enrolled people with their first face; a chosen person's faces with remove,
// rename and merge; the enrol form.
"use strict";
let chosenPerson = null;

function thumbnail(url, alt) {
  if (!url) {
    const none = document.createElement("span");
    none.className = "noface";
    none.textContent = "no picture";
    return none;
  }
  const img = document.createElement("img");
  img.alt = alt;
  showApiImage(img, url);
  img.width = img.height = 112;
  return img;
}

async function refreshPeople() {
  let r;
  try { r = await api("GET", "/v1/people"); } catch { return; }
  showJson("people-json", r);
  const grid = $("people");
  grid.replaceChildren();
  $("status").textContent = `model ${r.model}, ${r.people.length} enrolled`;
  if (r.people.length === 0) {
    const li = document.createElement("li");
    li.textContent = "nobody enrolled yet";
    grid.append(li);
  }
  for (const p of r.people) {
    const li = document.createElement("li");
    const open = document.createElement("button");
    open.type = "button";
    open.className = "person";
    open.setAttribute("aria-pressed", p.name === chosenPerson);
    const label = document.createElement("span");
    label.textContent = `${p.name} (${p.embeddings} face${p.embeddings === 1 ? "" : "s"})`;
    open.append(thumbnail(p.thumbnail, `${p.name}'s first face`), label);
    open.addEventListener("click", () => showPerson(p.name));
    li.append(open);
    grid.append(li);
  }
  const merge = $("merge-into");
  merge.replaceChildren(...r.people.filter((p) => p.name !== chosenPerson).map((p) => new Option(p.name, p.name)));
  $("merge").hidden = merge.options.length === 0; // nobody to merge into
  if (chosenPerson && !r.people.some((p) => p.name === chosenPerson)) closePerson();
}

function closePerson() {
  chosenPerson = null;
  $("person").hidden = true;
}

async function showPerson(name) {
  let r;
  try { r = await api("GET", personPath(name)); } catch { return; }
  renderPerson(r);
  refreshPeople();
}

// Shows a PersonAnswer; one without faces (the last one removed) closes the panel.
function renderPerson(r) {
  showJson("person-json", r);
  if (r.faces.length === 0) { closePerson(); return; }
  chosenPerson = r.name;
  $("person").hidden = false;
  $("person-name").textContent = r.name;
  $("rename-to").value = "";
  const grid = $("person-faces");
  grid.replaceChildren();
  r.faces.forEach((f, i) => {
    const li = document.createElement("li");
    const source = document.createElement("span");
    source.textContent = `${f.source}${f.gray ? " (gray)" : ""}`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove face ${i + 1} (${f.source}) of ${r.name}`);
    remove.addEventListener("click", async () => {
      let after;
      try { after = await api("DELETE", `${personPath(r.name)}/faces/${encodeURIComponent(f.id)}`); } catch { return; }
      renderPerson(after);
      refreshPeople();
    });
    li.append(thumbnail(f.thumbnail, `face ${i + 1} of ${r.name}, from ${f.source}`), source, remove);
    grid.append(li);
  });
}

$("rename").addEventListener("submit", async (e) => {
  e.preventDefault();
  const to = $("rename-to").value.trim();
  if (!chosenPerson || !to) return;
  let r;
  try { r = await api("POST", `${personPath(chosenPerson)}/rename`, { to }); } catch { return; }
  renderPerson(r);
  refreshPeople();
});

$("merge").addEventListener("submit", async (e) => {
  e.preventDefault();
  const into = $("merge-into").value;
  if (!chosenPerson || !into) return;
  let r;
  try { r = await api("POST", `${personPath(chosenPerson)}/merge`, { into }); } catch { return; }
  renderPerson(r);
  refreshPeople();
});

$("enrol").addEventListener("submit", async (e) => {
  e.preventDefault();
  const name = $("enrol-name").value.trim();
  const files = $("enrol-files").files;
  if (!name || files.length === 0) { showError("give a name and one or more photos"); return; }
  const form = new FormData();
  for (const f of files) form.append("image", f);
  let r;
  try { r = await api("POST", personPath(name), form); } catch { return; }
  showJson("people-json", r);
  if (r.warnings.length) showError(r.warnings.join("; "));
  $("enrol").reset();
  await showPerson(r.name);
});

document.addEventListener("facenetml:people", refreshPeople);
document.addEventListener("facenetml:key", refreshPeople);
document.addEventListener("facenetml:tab", (e) => { if (e.detail === "tab-people") refreshPeople(); });
