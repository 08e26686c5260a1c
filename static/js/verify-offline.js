// Offline check of the signed payload in a BNSP QR code, in the browser with WebCrypto Ed25519.
// The public key is embedded in the page when it is rendered, so the check itself needs no server
// round trip. Payload: base64url(canonical || 64-byte Ed25519 signature), where canonical is
// "1|public_id|type|number|holder_hash|valid_from|valid_until|kid" (see portal/verification/offline.py).
(function () {
  "use strict";

  var SIGNATURE_BYTES = 64;

  function fromB64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var binary = atob(b64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function toB64url(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // Accepts the whole QR address, "#p=...", "p=..." or the bare payload.
  function payloadFrom(text) {
    var match = /(?:^|[#&?])p=([A-Za-z0-9_-]+)/.exec(text || "");
    if (match) return match[1];
    var bare = (text || "").trim();
    return /^[A-Za-z0-9_-]{40,}$/.test(bare) ? bare : null;
  }

  function Problem(kind) { this.kind = kind; }

  async function verifyPayload(payload, keyB64, kid) {
    if (!window.crypto || !window.crypto.subtle) throw new Problem("unsupported");
    var bytes;
    try { bytes = fromB64url(payload); } catch (e) { throw new Problem("bad"); }
    if (bytes.length <= SIGNATURE_BYTES) throw new Problem("bad");
    var message = bytes.slice(0, bytes.length - SIGNATURE_BYTES);
    var signature = bytes.slice(bytes.length - SIGNATURE_BYTES);
    var fields;
    try {
      fields = new TextDecoder("utf-8", { fatal: true }).decode(message).split("|");
    } catch (e) { throw new Problem("bad"); }
    if (fields.length !== 8 || fields[0] !== "1" || fields[7] !== kid) throw new Problem("bad");
    var key;
    try {
      key = await crypto.subtle.importKey("raw", fromB64url(keyB64), { name: "Ed25519" }, false, ["verify"]);
    } catch (e) { throw new Problem("unsupported"); }
    var ok = await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
    if (!ok) throw new Problem("bad");
    return { id: fields[1], type: fields[2], number: fields[3], holder: fields[4],
             validFrom: fields[5], validUntil: fields[6], kid: fields[7] };
  }

  function formatDate(text, months) {
    if (!/^\d{8}$/.test(text)) return "";
    return parseInt(text.slice(6, 8), 10) + " " + months[parseInt(text.slice(4, 6), 10) - 1] + " " + text.slice(0, 4);
  }

  // Same normalisation as the server (NFKC, lower case, single spaces); Indonesian names do not
  // need full Unicode case folding.
  async function nameHash(name) {
    var norm = name.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
    if (!norm) return "";
    var digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(norm)));
    return toB64url(digest.slice(0, 6));
  }

  function show(box, state, text) {
    var out = box.querySelector(".offline-result");
    out.dataset.state = state;
    out.textContent = text;
  }

  async function check(box, payload) {
    var d = box.dataset;
    var fieldsList = box.querySelector(".offline-fields");
    var nameForm = box.querySelector(".offline-name");
    if (fieldsList) fieldsList.hidden = true;
    if (nameForm) nameForm.hidden = true;
    if (d.mode === "document") restoreCard();
    if (!payload) { show(box, "idle", d.msgNone); return; }
    var data;
    try {
      data = await verifyPayload(payload, d.key, d.kid);
    } catch (problem) {
      var kind = problem instanceof Problem ? problem.kind : "bad";
      show(box, kind, kind === "unsupported" ? d.msgUnsupported : d.msgBad);
      if (kind === "bad" && d.mode === "document") overrideVerdict(d.verdictBad, "qr-bad");
      return;
    }
    if (d.mode === "document") {
      // Documents numbered only after signing carry no number in their QR payload.
      var same = data.id === d.publicId && (!data.number || data.number === d.number);
      if (!same) {
        show(box, "mismatch", d.msgMismatch);
        overrideVerdict(d.verdictMismatch, "qr-mismatch");
      } else if (d.status !== "berlaku") {
        show(box, "inactive", d.msgInactive);  // genuine, but never green on a dead document
      } else {
        show(box, "ok", d.msgOk);
      }
      return;
    }
    show(box, "ok", d.msgValid);
    var types = JSON.parse(d.types);
    var months = d.months.split(",");
    var values = {
      type: types[data.type] || data.type, number: data.number, id: data.id, holder: data.holder || "–",
      validity: formatDate(data.validFrom, months) + (data.validUntil ? " – " + formatDate(data.validUntil, months) : "")
    };
    fieldsList.querySelectorAll("[data-field]").forEach(function (dd) {
      dd.textContent = values[dd.dataset.field] || "–";
    });
    fieldsList.hidden = false;
    if (nameForm && data.holder) {
      nameForm.hidden = false;
      nameForm.dataset.holder = data.holder;
    }
  }

  // The QR data the visitor scanned belongs to another document (or is forged): the page's one
  // verdict says so, and nothing on it may still offer the file as valid.
  var cardAsServed = null;

  // Each check starts from the card as the server rendered it (the fragment may change).
  function restoreCard() {
    var card = document.querySelector(".verify-doc");
    if (!card) return;
    if (cardAsServed === null) cardAsServed = card.innerHTML;
    else card.innerHTML = cardAsServed;
  }

  function overrideVerdict(text, state) {
    var verdict = document.querySelector(".verdict");
    if (!verdict) return;
    verdict.className = "verdict verdict-bad";
    verdict.dataset.status = state;
    verdict.setAttribute("role", "alert");
    var mark = document.createElement("span");
    mark.className = "verdict-mark";
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = "✗";
    verdict.replaceChildren(mark, document.createTextNode(" " + text));
    document.querySelectorAll(".verify-doc .actions, .verify-doc .status-berlaku").forEach(function (el) {
      if (el.classList.contains("actions")) el.remove();
      else el.className = "badge";  // the entry at this address, not the paper in hand
    });
    document.querySelectorAll(".verify-doc .check-ok").forEach(function (el) {
      el.className = "check check-info";
      el.querySelector(".check-mark").textContent = "i";
    });
  }

  // The language switch keeps the QR's data: the query is in its address already, the
  // fragment (#p=...) never reaches the server, so it is added here.
  function keepFragment() {
    document.querySelectorAll("a[data-keep-fragment]").forEach(function (link) {
      link.addEventListener("click", function () {
        var base = link.getAttribute("href").split("#")[0];
        if (window.location.hash) link.setAttribute("href", base + window.location.hash);
      });
    });
  }

  function init() {
    keepFragment();
    var box = document.getElementById("offline-check");
    if (!box) return;
    var input = document.getElementById("offline-payload");
    var run = function () {
      var fromUrl = payloadFrom(window.location.hash) || payloadFrom(window.location.search);
      if (input && fromUrl) input.value = fromUrl;
      check(box, fromUrl);
    };
    run();
    window.addEventListener("hashchange", run);
    var form = document.getElementById("offline-form");
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();  // the check runs here; nothing is sent to the server
        check(box, payloadFrom(input.value));
      });
    }
    var nameInput = document.getElementById("offline-name-input");
    if (nameInput) {
      var nameForm = document.getElementById("offline-name");
      nameForm.addEventListener("submit", function (event) { event.preventDefault(); });
      nameInput.addEventListener("input", async function () {
        var result = nameForm.querySelector(".offline-name-result");
        if (!nameInput.value.trim()) { result.textContent = ""; delete result.dataset.state; return; }
        var same = (await nameHash(nameInput.value)) === nameForm.dataset.holder;
        result.dataset.state = same ? "ok" : "bad";
        result.textContent = same ? box.dataset.msgNameOk : box.dataset.msgNameBad;
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
