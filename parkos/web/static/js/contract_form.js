/* Contract entry: show the lease terms or the sale terms of the chosen kind, never both; the unit
   picker searches the chosen park. Without JavaScript both sets show and the server ignores the
   other kind's terms. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var kind = document.querySelector("[data-contract-kind]");
    function toggle() {
      var value = kind ? kind.value : "lease";
      document.querySelectorAll("[data-terms-set]").forEach(function (set) {
        set.hidden = set.dataset.termsSet !== value;
      });
    }
    if (kind) { kind.addEventListener("change", toggle); toggle(); }
    var park = document.querySelector("select[name=park]");
    var units = document.querySelector("select[name=units]");
    if (park && units) {
      var base = units.dataset.url.split("?")[0];
      var point = function () { units.dataset.url = base + (park.value ? "?park=" + park.value : ""); };
      park.addEventListener("change", function () {
        point();
        if (units.tomselect) { units.tomselect.clearOptions(); }
      });
      point();
    }
  });
})();
