// Follows a job: its place in the queue, then sentences translated of the total; offers cancel and retry;
// links to the edition when it is done. Polling stops when the job has finished.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  function text(id, value) { document.getElementById(id).textContent = value; }
  function where(job) {
    if (job.state === "queued") return job.position ? job.position + (job.position === 1 ? " job" : " jobs") + " ahead" : "next";
    if (job.state === "translating" && job.total) return job.done + " of " + job.total + " sentences";
    return "";
  }
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}}).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (job) {
      document.getElementById("progress").value = job.progress;
      box.setAttribute("data-state", job.state);
      text("state", job.state);
      text("where", where(job));
      text("message", job.message);
      document.getElementById("cancel-form").hidden = !job.cancellable;
      document.getElementById("retry-form").hidden = !job.retry;
      var link = document.getElementById("edition-link");
      if (job.edition_url) { link.href = job.edition_url; link.hidden = false; }
      if (job.state === "queued" || job.state === "translating") setTimeout(poll, 500);
    }).catch(function () { setTimeout(poll, 1500); });
  }
  poll();
})();
