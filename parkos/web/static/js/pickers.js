/* Searchable pickers (tom-select, vendored): <select data-picker="search" data-url="…">.
   The server answers GET url?q=… with [{value, text, hint}] — industries by code, name or pinyin;
   enterprises and units of the caller's parks. With data-create-url a missing enterprise can be
   created inline: POST name → {value, text}. Every prompt comes from the page, in its language. */
(function () {
  "use strict";
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function init(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    var options = {
      valueField: "value",
      labelField: "text",
      searchField: [],
      maxOptions: 40,
      loadThrottle: 200,
      placeholder: select.dataset.placeholder || "",
      plugins: select.multiple ? ["remove_button"] : [],
      render: {
        option: function (item, escape) {
          var hint = item.hint ? '<small class="picker-hint">' + escape(item.hint) + "</small>" : "";
          return "<div>" + escape(item.text) + hint + "</div>";
        },
        no_results: function () {
          return '<div class="no-results">' + (select.dataset.empty || "") + "</div>";
        },
        loading: function () {
          return '<div class="loading">' + (select.dataset.loading || "") + "</div>";
        },
        option_create: function (data, escape) {
          var label = (select.dataset.createLabel || "%(name)s").replace("%(name)s", escape(data.input));
          return '<div class="create">' + label + "</div>";
        }
      },
      shouldLoad: function (query) { return query.length > 0; },
      load: function (query, callback) {
        var url = select.dataset.url;  // read each time: the contract form points it at the chosen park
        fetch(url + (url.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(query), {
          credentials: "same-origin", headers: { "Accept": "application/json" }
        }).then(function (r) { return r.ok ? r.json() : []; })
          .then(function (data) { callback(data.results || data); })
          .catch(function () { callback(); });
      }
    };
    if (select.dataset.createUrl) {
      options.create = function (input, callback) {
        var body = new FormData();
        body.append("name", input);
        fetch(select.dataset.createUrl, {
          method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf() }
        }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
          .then(function (res) {
            if (res.ok) { callback(res.data); } else { window.alert(res.data.detail || ""); callback(); }
          })
          .catch(function () { callback(); });
      };
    }
    new TomSelect(select, options);
  }
  function initAll(root) {
    (root || document).querySelectorAll('select[data-picker="search"]').forEach(init);
  }
  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { initAll(event.target); });
})();
