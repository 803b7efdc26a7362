// Asks before an edition is deleted (it is moved to the output folder's .bilingual/deleted/).
(function () {
  document.querySelectorAll("form.delete").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm("Delete “" + form.getAttribute("data-name") + "” from the library?")) event.preventDefault();
    });
  });
})();
