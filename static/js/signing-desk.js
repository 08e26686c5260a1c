// The signing desk: the sign button counts what is selected (groups count in full, on every page),
// review mode answers to keys, and the batch progress bar glides between polls. No inline script (CSP).
(function () {
  "use strict";

  function deskForm() { return document.querySelector("form[data-desk]"); }

  function selectedCount(form) {
    var all = form.querySelector("input[data-group-all]");
    if (all && all.checked) return parseInt(all.dataset.count, 10) || 0;
    var total = 0;
    var fullGroups = {};
    form.querySelectorAll("input[data-group-box]").forEach(function (box) {
      if (box.checked) {
        fullGroups[box.value] = true;
        total += parseInt(box.dataset.count, 10) || 0;
      }
    });
    form.querySelectorAll('input[name="requests"]').forEach(function (box) {
      if (box.checked && !fullGroups[box.dataset.group]) total += 1;
    });
    return total;
  }

  function refresh(form) {
    var count = selectedCount(form);
    form.querySelectorAll("[data-selected-count]").forEach(function (el) { el.textContent = String(count); });
    form.querySelectorAll("[data-sign-button]").forEach(function (button) { button.disabled = count === 0; });
  }

  document.addEventListener("change", function (event) {
    var form = deskForm();
    var box = event.target;
    if (!form || !form.contains(box) || box.type !== "checkbox") return;
    if (box.dataset.groupAll !== undefined) {
      form.querySelectorAll('input[type=checkbox]').forEach(function (other) {
        if (other !== box) other.checked = box.checked;
      });
    } else if (box.dataset.groupBox) {
      form.querySelectorAll('input[name="requests"]').forEach(function (row) {
        if (row.dataset.group === box.value) row.checked = box.checked;
      });
    } else if (box.name === "requests" && !box.checked) {
      // Unticking one document of a chosen group: the group is no longer chosen as a whole.
      form.querySelectorAll("input[data-group-box]").forEach(function (group) {
        if (group.value === box.dataset.group) group.checked = false;
      });
      var all = form.querySelector("input[data-group-all]");
      if (all) all.checked = false;
    }
    refresh(form);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var form = deskForm();
    if (form) refresh(form);
  });
  document.addEventListener("htmx:afterSettle", function () {
    var form = deskForm();
    if (form) refresh(form);
  });

  // Review mode: N / → next, P / ← previous, K keep, R write the return note.
  document.addEventListener("keydown", function (event) {
    if (!document.querySelector("[data-review]")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "textarea" || tag === "input" || tag === "select") {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var key = event.key.toLowerCase();
    var target = null;
    if (key === "n" || key === "arrowright") target = document.querySelector("[data-key-next]");
    else if (key === "p" || key === "arrowleft") target = document.querySelector("[data-key-prev]");
    if (target) { event.preventDefault(); window.location.assign(target.href); return; }
    if (key === "k") {
      var keep = document.querySelector("form[data-key-keep]");
      if (keep) { event.preventDefault(); keep.requestSubmit(); }
    } else if (key === "r") {
      var note = document.querySelector("[data-key-return]");
      if (note) { event.preventDefault(); note.focus(); }
    }
  });

  // Batch progress: the new value arrives every half second; the bar glides to it.
  var lastValue = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var bar = event.detail.target && event.detail.target.querySelector && event.detail.target.querySelector("progress");
    if (bar) lastValue = parseFloat(bar.value);
  });
  document.addEventListener("htmx:afterSwap", function () {
    var bar = document.querySelector("#batch-progress progress");
    if (!bar || lastValue === null) return;
    var target = parseFloat(bar.getAttribute("value"));
    var from = Math.min(lastValue, target);
    var started = null;
    if (from === target || !window.requestAnimationFrame) return;
    bar.value = from;
    function step(now) {
      if (started === null) started = now;
      var t = Math.min(1, (now - started) / 450);
      bar.value = from + (target - from) * t;
      if (t < 1) window.requestAnimationFrame(step);
    }
    window.requestAnimationFrame(step);
  });
})();
