// Lift video upload: tus (resumable) with a progress bar; then the form posts the upload id.
// Loaded after tus-js-client by the upload page (the "upload" bundle in app/assets.py).
(function () {
  "use strict";

  // A boosted navigation runs the scripts of the new body again: listen once.
  if (window.MeetdayUpload) return;
  window.MeetdayUpload = true;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-tus-upload]") || !window.tus) return;
    var input = form.querySelector('input[type="file"]');
    var file = input && input.files && input.files[0];
    var uploadId = form.querySelector('input[name="upload_id"]');
    if (!file || uploadId.value) return;  // nothing to send first, or already sent
    event.preventDefault();
    if (file.size === 0) {
      showUploadStatus(form, "This file is empty. Choose the video again.", true);
      return;
    }
    if (file.size > Number(form.dataset.maxBytes)) {
      showUploadStatus(form, "That video is larger than " + Math.round(form.dataset.maxBytes / 1048576) + " MB.", true);
      return;
    }
    var progress = form.querySelector(".upload-progress");
    progress.hidden = false;
    form.querySelector('button[type="submit"]').disabled = true;
    var upload = new window.tus.Upload(file, {
      endpoint: form.dataset.tusEndpoint,
      chunkSize: 5 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      metadata: { filename: file.name, filetype: file.type },
      headers: { "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content },
      removeFingerprintOnSuccess: true,
      onProgress: function (sent, total) {
        var percent = Math.floor(sent / total * 100);
        progress.querySelector("progress").value = percent;
        showUploadStatus(form, "Uploading… " + percent + "%");
      },
      onError: function () {
        form.querySelector('button[type="submit"]').disabled = false;
        showUploadStatus(form, "The upload stopped. Tap Post to resume where it left off.", true);
      },
      onSuccess: function () {
        uploadId.value = upload.url.split("/").pop();
        input.value = "";  // the bytes are on the server: post the details only
        showUploadStatus(form, "Uploaded. Posting…");
        form.submit();
      },
    });
    // Resume an upload of this same file that a lost connection interrupted.
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  });

  function showUploadStatus(form, text, isError) {
    var status = form.querySelector(".upload-status");
    form.querySelector(".upload-progress").hidden = false;
    status.textContent = text;
    status.classList.toggle("field-error", !!isError);
  }
})();
