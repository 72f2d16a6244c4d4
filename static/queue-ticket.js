// The door's ticket: print at once when asked (?print=1), and on the button.
(function () {
  "use strict";
  const button = document.getElementById("ticket-print");
  if (button) button.addEventListener("click", function () { window.print(); });
  if (document.body.dataset.print) window.addEventListener("load", function () { window.print(); });
})();
