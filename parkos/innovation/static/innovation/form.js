// Show only the fields that belong to the chosen kind (a milestone's listing facts, patent facts…).
// The form names them in data-kind-fields: {"listing": ["exchange", …], …}; other fields always show.
(function () {
  var form = document.querySelector("form[data-kind-fields]");
  if (!form) return;
  var byKind = JSON.parse(form.getAttribute("data-kind-fields"));
  var all = [];
  Object.keys(byKind).forEach(function (kind) { all = all.concat(byKind[kind]); });
  var kind = form.querySelector("[name=kind]");
  function update() {
    var shown = byKind[kind.value] || [];
    all.forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      var box = input && input.closest(".field");
      if (box) box.hidden = shown.indexOf(name) < 0 && !box.classList.contains("has-error");
    });
  }
  kind.addEventListener("change", update);
  update();
})();
