// FaceNetML page at start: the server's model and gallery from /health, with a warning when the gallery is not kept.
"use strict";
(async () => {
  try {
    const h = await (await fetch("/health")).json();
    $("status").textContent = `model ${h.model}, ${h.people} enrolled`;
    const warning = $("gallery-warning");
    if (h.gallery && !h.gallery.persistent) {
      warning.textContent = "This server keeps its gallery in memory: enrolled people vanish when it restarts (serve with a data folder, --data, to keep them).";
      warning.hidden = false;
    }
  } catch { $("status").textContent = "server unreachable"; }
  refreshPeople();
})();
