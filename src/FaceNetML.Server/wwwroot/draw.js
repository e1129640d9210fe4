// FaceNetML page: photos drawn scaled into a canvas with face boxes ([x, y, w, h] in photo pixels) and labels.
"use strict";
function loadImage(blob) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => { URL.revokeObjectURL(img.src); resolve(img); };
    img.onerror = () => reject(new Error(`${blob.name || "the image"}: the browser cannot show this image`));
    img.src = URL.createObjectURL(blob);
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
