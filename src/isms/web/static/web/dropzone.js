// Drag and drop onto a file field (progressive enhancement: the plain <input type=file>
// works without this script). Dropped files are put into the input; the form is sent as usual.
(function () {
  "use strict";
  function enhance(zone) {
    var input = zone.querySelector("input[type=file]");
    var hint = zone.querySelector(".dropzone-hint");
    if (!input || typeof DataTransfer === "undefined") {
      return;
    }
    if (hint) {
      hint.hidden = false;
    }
    zone.classList.add("dropzone-ready");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dropzone-over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("dropzone-over");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var dropped = event.dataTransfer && event.dataTransfer.files;
      if (!dropped || !dropped.length) {
        return;
      }
      var chosen = new DataTransfer();
      var count = input.multiple ? dropped.length : 1;
      for (var i = 0; i < count; i += 1) {
        chosen.items.add(dropped[i]);
      }
      input.files = chosen.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      if (hint) {
        hint.textContent = count + " file" + (count === 1 ? "" : "s") + " chosen";
      }
    });
  }
  document.querySelectorAll("[data-dropzone]").forEach(enhance);
})();
