// Checks the chosen file's type and size before it is sent (the server checks again).
(function () {
  var form = document.getElementById("upload-form");
  if (!form) return;
  var limits = JSON.parse(form.getAttribute("data-limits"));
  var input = document.getElementById("page");
  var error = document.getElementById("upload-error");
  var button = document.getElementById("submit");
  function problem() {
    var file = input.files && input.files[0];
    if (!file) return "Choose a page first.";
    var dot = file.name.lastIndexOf(".");
    var suffix = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (!(suffix in limits)) return "“" + file.name + "” is not a page this tool reads: choose a " + Object.keys(limits).join(", ") + " file.";
    if (file.size === 0) return "“" + file.name + "” is empty.";
    if (file.size > limits[suffix]) return "“" + file.name + "” is " + (file.size / 1e6).toFixed(1) + " MB; a " + suffix + " page may be at most " + (limits[suffix] / 1e6) + " MB.";
    return "";
  }
  function show() {
    var message = problem();
    error.textContent = message;
    error.hidden = !message || !(input.files && input.files[0]);
    button.disabled = !!message;
    return message;
  }
  input.addEventListener("change", show);
  form.addEventListener("submit", function (event) {
    var message = show();
    if (message) { error.hidden = false; event.preventDefault(); }
  });
})();
