// The slip's print page: the paper chosen at this desk is remembered in this browser, and
// the print dialog opens by itself when the desk asked to print. Nothing here blocks the desk:
// the page is a tab of its own.
(function () {
  "use strict";
  var KEY = "aiddesk-slip-paper";
  var body = document.body;
  var stored = null;
  try { stored = window.localStorage.getItem(KEY); } catch (e) { stored = null; }

  var choices = document.querySelectorAll("[data-paper-choice]");
  for (var i = 0; i < choices.length; i++) {
    choices[i].addEventListener("click", function (event) {
      try { window.localStorage.setItem(KEY, event.currentTarget.getAttribute("data-paper-choice")); } catch (e) { /* private mode: the site's paper */ }
    });
  }
  // No paper in the address: this desk's remembered choice, if it differs from the site's.
  if (!body.dataset.chosen && stored && stored !== body.dataset.paper && /^(58|80|a6)$/.test(stored)) {
    var url = new URL(window.location.href);
    url.searchParams.set("paper", stored);
    window.location.replace(url.toString());
    return;
  }
  document.getElementById("slip-print").addEventListener("click", function () { window.print(); });
  if (body.dataset.print) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
