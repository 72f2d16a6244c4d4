// On the login page: the copy of the desk page kept for a desk opened while the server is down
// (static/desk-sw.js, decision 0033) belonged to the account that was signed in; no one is now.
// The offline journal stays: it lives in IndexedDB, one database per account, and is sent when
// its account opens the desk again.
(function () {
  "use strict";
  if (!window.caches) return; // plain http on the LAN: no worker, no copy
  caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("aiddesk-desk")).map((n) => caches.delete(n))))
    .then(() => { document.documentElement.dataset.deskCopy = "gone"; })
    .catch(function () {});
})();
