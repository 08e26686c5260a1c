// Small behaviours on top of htmx. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  // An htmx request that failed (403, 404, 500, network) shows the server's Indonesian message.
  document.addEventListener("htmx:responseError", function (event) {
    var toast = document.getElementById("toast");
    if (!toast) return;
    var xhr = event.detail.xhr;
    var text = "Permintaan gagal (" + xhr.status + ").";
    // DOMParser builds an inert document: nothing in the response runs or loads.
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var alertBox = doc.querySelector("[role=alert]");
    if (alertBox) text = alertBox.textContent.trim();
    toast.textContent = text;
    toast.hidden = false;
    window.setTimeout(function () { toast.hidden = true; }, 8000);
  });
  document.addEventListener("htmx:sendError", function () {
    var toast = document.getElementById("toast");
    if (!toast) return;
    toast.textContent = "Tidak dapat terhubung ke server. Periksa koneksi Anda lalu coba lagi.";
    toast.hidden = false;
  });

  // Buttons with data-confirm ask before submitting (e.g. "Kembalikan untuk perbaikan").
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  // "Pilih semua" checkboxes: <input type="checkbox" data-select-all="name-of-boxes">
  document.addEventListener("change", function (event) {
    var name = event.target.dataset && event.target.dataset.selectAll;
    if (!name) return;
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });

  // On phones the menu scrolls sideways: bring the current page's item into view.
  document.addEventListener("DOMContentLoaded", function () {
    var current = document.querySelector(".mainnav [aria-current=page]");
    if (current && current.scrollIntoView) current.scrollIntoView({block: "nearest", inline: "center"});
  });

  // The user menu (<details>) closes when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.usermenu[open]").forEach(function (menu) { menu.removeAttribute("open"); });
  });
})();
