// Upload forms (form.import-form): while the file goes up, a bar shows how much of it has been
// sent; once it is sent, the page says the server is importing it, with the seconds elapsed.
// The answer (the report, or the form with its errors) then replaces the page, as the plain
// form post does. Without this script the form posts as it is.
"use strict";
document.querySelectorAll("form.import-form").forEach(function (form) {
  form.dataset.progress = "ready";
  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var status = document.createElement("div");
    status.className = "upload-status";
    status.setAttribute("role", "status");
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload");
    var words = document.createElement("span");
    words.textContent = "Sending the file…";
    status.appendChild(bar);
    status.appendChild(words);
    button.parentNode.insertBefore(status, button);
    button.disabled = true;
    var timer = null;
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (sent) {
      if (sent.lengthComputable && sent.total > 0) {
        var percent = Math.floor((100 * sent.loaded) / sent.total);
        bar.value = percent;
        words.textContent = "Sending the file: " + percent + "% of " + (sent.total / 1048576).toFixed(1) + " MB";
      }
    });
    request.upload.addEventListener("load", function () {
      var started = Date.now();
      bar.removeAttribute("value");
      words.textContent = "Sent. The server is importing it…";
      timer = setInterval(function () {
        var seconds = Math.round((Date.now() - started) / 1000);
        words.textContent = "Sent. The server is importing it… " + seconds + " s";
      }, 1000);
    });
    request.addEventListener("load", function () {
      clearInterval(timer);
      if (request.responseURL && request.responseURL !== window.location.href) {
        window.history.replaceState(null, "", request.responseURL);
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      clearInterval(timer);
      bar.remove();
      words.textContent = "The upload broke off before an answer came: nothing was imported from it. Try again.";
      button.disabled = false;
    });
    request.send(new FormData(form));
  });
});
