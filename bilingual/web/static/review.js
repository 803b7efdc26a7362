// The review page: edit a sentence's English, save with the keyboard, see the files regenerated.
// Ctrl+Enter saves (translated) and moves to the next sentence; Ctrl+Shift+Enter approves and moves on;
// Esc puts back the English the edit started from. A save sends the English it started from ("base"):
// if another tab saved meanwhile the server refuses (409) and nothing is lost.
(function () {
  var list = document.getElementById("segments");
  if (!list) return;
  var saveUrl = list.getAttribute("data-save-url");
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var counter = document.getElementById("counter");
  var regen = document.getElementById("regeneration");
  var reviewer = document.getElementById("reviewer");
  var waitingFor = 0;
  var polling = false;

  try { reviewer.value = localStorage.getItem("bilingual-reviewer") || ""; } catch (e) { /* private mode */ }
  reviewer.addEventListener("change", function () {
    try { localStorage.setItem("bilingual-reviewer", reviewer.value); } catch (e) { /* private mode */ }
  });

  function rows() { return Array.prototype.slice.call(list.querySelectorAll(".seg")); }

  function fit(area) {  // the whole English in view, never a scrollbar inside a sentence
    area.style.height = "auto";
    area.style.height = (area.scrollHeight + 2) + "px";
  }
  Array.prototype.forEach.call(list.querySelectorAll("textarea"), fit);
  window.addEventListener("resize", function () {
    Array.prototype.forEach.call(list.querySelectorAll("textarea"), fit);
  });

  function say(row, text, isError) {
    var box = row.querySelector(".message");
    box.textContent = text;
    box.className = "message" + (isError ? " error" : "");
  }

  function next(row) {
    var all = rows();
    var i = all.indexOf(row);
    if (i >= 0 && i + 1 < all.length) {
      var area = all[i + 1].querySelector("textarea");
      area.focus();
      area.selectionStart = area.selectionEnd = area.value.length;
    }
  }

  function showRegeneration(state) {
    regen.setAttribute("data-state", state.state);
    regen.textContent = state.state === "ready" ? "files up to date" :
      state.state === "failed" ? (state.error || "the files could not be regenerated") : "updating the files…";
  }

  function poll() {
    if (polling) return;
    polling = true;
    fetch(regen.getAttribute("data-url"), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (state) {
        polling = false;
        showRegeneration(state);
        if (state.state === "regenerating" || state.ready < waitingFor) setTimeout(poll, 700);
      })
      .catch(function () { polling = false; setTimeout(poll, 2000); });
  }

  function save(row, status, andNext) {
    var area = row.querySelector("textarea");
    var english = area.value.replace(/\s+/g, " ").trim();
    if (!english) { say(row, "the English is empty", true); return; }
    say(row, "saving…", false);
    fetch(saveUrl + encodeURIComponent(row.getAttribute("data-id")), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": token},
      body: JSON.stringify({en: english, base: area.getAttribute("data-base"), status: status,
                            by: reviewer.value || null})
    }).then(function (r) {
      return r.json().then(function (body) { return {ok: r.ok, status: r.status, body: body}; });
    }).then(function (reply) {
      if (!reply.ok) {
        say(row, reply.status === 409 ? "changed in another tab: " + reply.body.error : reply.body.error ||
            ("not saved (" + reply.status + ")"), true);
        return;
      }
      var seg = reply.body.segment;
      area.value = seg.en;
      area.setAttribute("data-base", seg.en);
      fit(area);
      row.setAttribute("data-status", seg.status);
      row.className = "seg status-" + seg.status + (seg.flags.length ? " has-flags" : "");
      row.querySelector(".status").textContent = seg.origin;
      say(row, seg.status === "approved" ? "approved" : "saved", false);
      counter.textContent = reply.body.reviewed + " of " + reply.body.total + " reviewed";
      counter.setAttribute("data-reviewed", reply.body.reviewed);
      waitingFor = reply.body.regeneration.version;
      showRegeneration(reply.body.regeneration);
      poll();
      if (andNext) next(row);
    }).catch(function () { say(row, "not saved: the server did not answer", true); });
  }

  list.addEventListener("keydown", function (event) {
    var area = event.target;
    if (area.tagName !== "TEXTAREA") return;
    var row = area.closest(".seg");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      save(row, event.shiftKey ? "approved" : "translated", true);
    } else if (event.key === "Escape") {
      area.value = area.getAttribute("data-base");
      row.classList.remove("dirty");
      say(row, "", false);
    }
  });

  list.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") {
      event.target.closest(".seg").classList.add("dirty");
      fit(event.target);
    }
  });

  list.addEventListener("click", function (event) {
    if (event.target.classList.contains("suggestion")) {
      var row = event.target.closest(".seg");
      var area = row.querySelector("textarea");
      area.value = event.target.getAttribute("data-en");
      row.classList.add("dirty");
      area.focus();
    }
  });

  if (regen.getAttribute("data-state") === "regenerating") poll();
})();
