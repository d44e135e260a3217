// Shows SPEC §5 problems of a consent request while its description is typed: the form is
// posted to the portal's check route (the same preview the service runs before storing a
// request) and the answer is put next to the description. Without this script, sending the
// form runs the same checks and shows the same problems next to the fields.
(function () {
  "use strict";
  var form = document.getElementById("request-form");
  if (!form || !window.fetch) { return; }
  var live = document.getElementById("description-live");
  var timer = null;
  var sent = 0;
  function check() {
    var mine = ++sent;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-check"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (mine === sent) { live.innerHTML = html; } })
      .catch(function () { /* the check is a help; sending the form still checks */ });
  }
  function soon() { clearTimeout(timer); timer = setTimeout(check, 300); }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
