// The photo of the head: the desk's webcam takes a still into the form's file field, which
// is then sent like a chosen file (the server re-encodes it either way).
(function () {
  "use strict";

  const form = document.getElementById("photo-form");
  if (!form || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  const input = document.getElementById("photo-file");
  const start = document.getElementById("photo-camera");
  const take = document.getElementById("photo-take");
  const video = document.getElementById("photo-video");
  let stream = null;
  start.hidden = false;

  start.addEventListener("click", async function () {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    } catch (error) {
      start.hidden = true; // no camera, or not allowed: the file field stays
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    take.hidden = false;
  });

  take.addEventListener("click", function () {
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    canvas.toBlob(function (blob) {
      const files = new DataTransfer();
      files.items.add(new File([blob], "camera.jpg", { type: "image/jpeg" }));
      input.files = files.files;
      stream.getTracks().forEach((track) => track.stop());
      video.hidden = true;
      take.hidden = true;
      form.requestSubmit();
    }, "image/jpeg", 0.9);
  });
})();
