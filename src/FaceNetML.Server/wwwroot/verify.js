// FaceNetML page, Verify: two photos, one verdict with the distance, a box on each face.
"use strict";
$("verify-a").addEventListener("change", () => preview($("verify-a"), $("verify-canvas-a")));
$("verify-b").addEventListener("change", () => preview($("verify-b"), $("verify-canvas-b")));

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
  showJson("verify-json", r);
  const color = r.same ? "#2c3" : "#d33";
  draw($("verify-canvas-a"), await loadImage(a), [{ box: r.faces.a, color }]);
  draw($("verify-canvas-b"), await loadImage(b), [{ box: r.faces.b, color }]);
  verdict.className = r.same ? "same" : "different";
  verdict.textContent = `${r.same ? "Same person" : "Different people"}: distance ${r.distance.toFixed(4)} ${r.same ? "<" : "≥"} threshold ${r.threshold} (${r.model})`;
});
