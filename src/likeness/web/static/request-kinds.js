// Shows only the fields of the kind of request chosen on the producer's decisions page. Without
// this script every kind's fields are shown and the server reads those of the chosen kind.
(function () {
  "use strict";
  var form = document.getElementById("use-form");
  if (!form) { return; }
  var groups = form.querySelectorAll("fieldset[data-kind]");
  function show() {
    var chosen = form.querySelector('input[name="kind"]:checked');
    var kind = chosen ? chosen.value : "use";
    for (var i = 0; i < groups.length; i++) {
      groups[i].hidden = groups[i].getAttribute("data-kind") !== kind;
    }
  }
  form.addEventListener("change", function (e) {
    if (e.target && e.target.name === "kind") { show(); }
  });
  show();
})();
