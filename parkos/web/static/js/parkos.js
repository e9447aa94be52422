// ParkOS shell behaviour, bound by data attributes: the Content-Security-Policy allows no inline
// scripts or on…= handlers (docs/development.md), so templates declare and this file acts.
//   <select data-autosubmit>            submits its form when changed (park switcher, period pickers)
//   <form data-confirm="确定…？">        asks before submitting (archive, erase)
//   <input data-select-on-focus>        selects its text when focused (feed URLs to copy)
//   <a data-history-back href="…">      goes back in history (the href is the fallback)
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target.closest && event.target.closest("[data-autosubmit]");
    if (field && field.form) { field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  }, true);
  document.addEventListener("focusin", function (event) {
    var field = event.target.closest && event.target.closest("[data-select-on-focus]");
    if (field && field.select) { field.select(); }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-history-back]");
    if (link && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });
})();
