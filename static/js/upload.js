/* Materials of a nomination: uploads with a progress bar, without leaving the page.
 *
 * Every form.js-upload inside the materials section (upload, video link, remove) is sent with
 * XMLHttpRequest and asks for JSON. A refusal is shown next to its control and nothing else
 * on the page changes, so nothing typed elsewhere is lost; on success the section is replaced
 * by the server's fresh rendering. Without JavaScript the same forms post normally.
 * The words come from data-* attributes rendered by the server in the page's language.
 * No inline script or style (CSP): the bar's width is set through the CSSOM.
 */
(function () {
  "use strict";

  function section() {
    return document.getElementById("attachments");
  }

  function text(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function humanSize(bytes) {
    var units = ["B", "KB", "MB", "GB"];
    var value = bytes;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return (unit === 0 ? value : value.toFixed(1)) + "\u00a0" + units[unit];
  }

  function showError(form, message) {
    var box = form.querySelector(".js-upload-error");
    if (box) {
      box.textContent = message;
    }
    var input = form.querySelector("input[type=file], input[type=url]");
    if (input) {
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
    }
  }

  function clearError(form) {
    var box = form.querySelector(".js-upload-error");
    if (box) {
      box.textContent = "";
    }
    var input = form.querySelector("input[type=file], input[type=url]");
    if (input) {
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
    }
  }

  function setProgress(form, loaded, total) {
    var bar = form.querySelector(".js-upload-progress");
    var label = form.querySelector(".js-upload-progress-text");
    if (!bar) {
      return;
    }
    var percent = total ? Math.floor((loaded * 100) / total) : 0;
    bar.classList.remove("d-none");
    bar.setAttribute("aria-valuenow", String(percent));
    bar.firstElementChild.style.width = percent + "%";
    if (label) {
      label.classList.remove("d-none");
      label.textContent = text(section().dataset.uploading || "{percent}%", {
        percent: percent,
        loaded: humanSize(loaded),
        total: humanSize(total),
      });
    }
  }

  function hideProgress(form) {
    var bar = form.querySelector(".js-upload-progress");
    var label = form.querySelector(".js-upload-progress-text");
    if (bar) {
      bar.classList.add("d-none");
      bar.firstElementChild.style.width = "0";
    }
    if (label) {
      label.classList.add("d-none");
    }
  }

  function replaceSection(html, message) {
    var current = section();
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.querySelector("#attachments");
    if (!current || !fresh) {
      window.location.reload();
      return;
    }
    current.replaceWith(fresh);
    var status = fresh.querySelector(".js-upload-status");
    if (status && message) {
      status.textContent = message;
      status.classList.remove("d-none");
      status.focus();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("js-upload")) {
      return;
    }
    if (!window.FormData || !window.XMLHttpRequest || !section()) {
      return; // the form posts normally
    }
    event.preventDefault();
    clearError(form);

    var fileInput = form.querySelector("input[type=file]");
    if (fileInput) {
      var file = fileInput.files && fileInput.files[0];
      if (!file) {
        showError(form, section().dataset.chooseFirst);
        return;
      }
      var max = parseInt(form.dataset.maxBytes || "0", 10);
      if (max && file.size > max) {
        showError(form, text(form.dataset.tooLarge || "", { name: file.name }));
        return;
      }
    }

    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (button) {
      button.disabled = true;
    });
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    if (token) {
      request.setRequestHeader("X-CSRFToken", token.value);
    }
    if (fileInput) {
      setProgress(form, 0, fileInput.files[0].size);
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          setProgress(form, progress.loaded, progress.total);
        }
      });
    }
    request.addEventListener("load", function () {
      var data = null;
      try {
        data = JSON.parse(request.responseText);
      } catch (error) {
        data = null;
      }
      if (data && data.ok) {
        replaceSection(data.html, data.message);
        return;
      }
      buttons.forEach(function (button) {
        button.disabled = false;
      });
      hideProgress(form);
      showError(form, (data && data.error) || section().dataset.failed);
    });
    request.addEventListener("error", function () {
      buttons.forEach(function (button) {
        button.disabled = false;
      });
      hideProgress(form);
      showError(form, section().dataset.failed);
    });
    request.send(new FormData(form));
  });
})();
