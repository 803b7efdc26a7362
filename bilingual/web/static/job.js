// Polls the upload's status until it is done or failed, then links to the edition.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}}).then(function (r) { return r.json(); }).then(function (job) {
      document.getElementById("progress").value = job.progress;
      document.getElementById("state").textContent = job.state;
      document.getElementById("message").textContent = job.message;
      if (job.state === "done") {
        var link = document.getElementById("edition-link");
        link.href = job.edition_url;
        link.hidden = false;
      } else if (job.state !== "failed") {
        setTimeout(poll, 500);
      }
    }).catch(function () { setTimeout(poll, 1500); });
  }
  poll();
})();
