/* The 招商 board: drag a card to another stage (SortableJS, vendored). The move is posted to the
   card's move URL; on refusal the card goes back and the reason is shown. Moving to 已签约 without a
   signed contract asks for the reason first. Without JavaScript (or a mouse) each card's select and
   button do the same. */
(function () {
  "use strict";
  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function post(card, stage, note) {
    var body = new FormData();
    body.append("stage", stage);
    if (note) body.append("note", note);
    return fetch(card.dataset.moveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() }
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); });
  }
  function count(column) {
    var badge = column.closest(".board-col").querySelector(".count");
    if (badge) badge.textContent = column.querySelectorAll(".lead-card").length;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var board = document.querySelector(".board");
    if (!board || board.dataset.canMove !== "1" || typeof Sortable === "undefined") return;
    board.querySelectorAll(".drop").forEach(function (column) {
      Sortable.create(column, {
        group: "leads", animation: 120, draggable: ".lead-card", filter: "select,button,a", preventOnFilter: false,
        onEnd: function (event) {
          if (event.from === event.to) return;
          var card = event.item, stage = event.to.dataset.stage;
          var undo = function (message) {
            event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
            count(event.from); count(event.to);
            if (message) window.alert(message);
          };
          post(card, stage).then(function (res) {
            if (res.ok) {
              var select = card.querySelector("select[name=stage]");
              if (select) select.value = stage;
              count(event.from); count(event.to);
              return;
            }
            if (res.data.needs_note) {
              var note = window.prompt(board.dataset.notePrompt);
              if (note) {
                return post(card, stage, note).then(function (again) {
                  if (again.ok) { count(event.from); count(event.to); } else { undo(again.data.detail); }
                });
              }
              return undo("");
            }
            undo(res.data.detail || board.dataset.failed);
          }).catch(function () { undo(board.dataset.failed); });
        }
      });
    });
  });
})();
