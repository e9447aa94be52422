// Status filter of the stacking plan: hide blocks whose status is unchecked (no server round trip).
document.querySelectorAll("[data-status-toggle]").forEach(function (box) {
  box.addEventListener("change", function () {
    var shown = Array.from(document.querySelectorAll("[data-status-toggle]:checked")).map(function (b) { return b.value; });
    document.querySelectorAll(".unit-block").forEach(function (el) {
      el.classList.toggle("dimmed", shown.indexOf(el.dataset.status) === -1);
    });
  });
});
