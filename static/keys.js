// Keyboard shortcuts, the same on every page; each page lists its own in a .keys line.
//   F2           the page's main field (data-key-focus): the scan field, the zone, the barcode;
//                where a page has one per part (data-key-group: each member's zone), the one
//                of the part that has the focus, else the first
//   F4           the button marked data-key="f4" (register: add a member)
//   F8           the button marked data-key="f8" (desk: call the next ticket)
//   Ctrl+Enter   the button marked data-key="ctrl-enter" in the part of the form that has the
//                focus (data-key-scope: a document's zone reads it), else the page's own one
(function () {
  "use strict";

  function pageButton(name) {
    return Array.from(document.querySelectorAll('[data-key="' + name + '"]')).find(function (el) {
      return !el.closest("[data-key-scope]");
    });
  }

  document.addEventListener("keydown", function (event) {
    let target = null;
    if (event.key === "F2") {
      const group = document.activeElement && document.activeElement.closest("[data-key-group]");
      target = (group && group.querySelector("[data-key-focus]")) || document.querySelector("[data-key-focus]");
      if (!target) return;
      event.preventDefault();
      target.focus();
      if (typeof target.select === "function") target.select();
      return;
    }
    if (event.key === "F4") {
      target = pageButton("f4");
    } else if (event.key === "F8") {
      target = pageButton("f8");
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      const scope = document.activeElement && document.activeElement.closest("[data-key-scope]");
      target = (scope && scope.querySelector('[data-key="ctrl-enter"]')) || pageButton("ctrl-enter");
    }
    if (target) {
      event.preventDefault();
      target.click();
    }
  });
})();
