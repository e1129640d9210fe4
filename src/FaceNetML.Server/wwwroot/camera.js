// FaceNetML page, Identify from the camera: getUserMedia into a <video>, one frame drawn on a canvas, sent as a JPEG.
"use strict";
let cameraStream = null;

function cameraButtons(on) {
  $("camera-start").disabled = on;
  $("camera-capture").disabled = !on;
  $("camera-stop").disabled = !on;
  $("camera-video").hidden = !on;
}

$("camera-start").addEventListener("click", async () => {
  if (!navigator.mediaDevices?.getUserMedia) { showError("this browser has no camera access (it needs https or localhost)"); return; }
  try {
    cameraStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  } catch (e) {
    showError(`no camera: ${e.message}`);
    return;
  }
  const video = $("camera-video");
  video.srcObject = cameraStream;
  await video.play();
  cameraButtons(true);
  showError("");
});

$("camera-stop").addEventListener("click", () => {
  for (const track of cameraStream?.getTracks() ?? []) track.stop();
  cameraStream = null;
  $("camera-video").srcObject = null;
  cameraButtons(false);
});

$("camera-capture").addEventListener("click", async () => {
  const video = $("camera-video");
  if (!video.videoWidth) { showError("the camera has not sent a picture yet"); return; }
  const frame = document.createElement("canvas");
  frame.width = video.videoWidth;
  frame.height = video.videoHeight;
  frame.getContext("2d").drawImage(video, 0, 0);
  const blob = await new Promise((resolve) => frame.toBlob(resolve, "image/jpeg", 0.92));
  await identify(new File([blob], "camera.jpg", { type: "image/jpeg" }));
});
