// Dates typed as dd.mm.yyyy whatever the browser's locale (app/days.py reads them on the
// server; this only helps the typing). In an input marked data-day:
//   typing digits puts the dots in: 09031980 shows as 09.03.1980
//   leaving the field writes 9.3.1980 as 09.03.1980 and marks an impossible date at once
(function () {
  "use strict";

  // The digits typed so far, when the value is digits with dots only where the mask puts
  // them; null when the volunteer typed separators of their own (9.3.1980): left as typed.
  function maskable(value) {
    let s = value;
    if (s[5] === ".") s = s.slice(0, 5) + s.slice(6);
    if (s[2] === ".") s = s.slice(0, 2) + s.slice(3);
    return /^\d*$/.test(s) ? s : null;
  }

  function masked(digits) {
    let out = digits.slice(0, 2);
    if (digits.length > 2) out += "." + digits.slice(2, 4);
    if (digits.length > 4) out += "." + digits.slice(4, 8);
    return out;
  }

  // [day, month, year] of a typed date, or null when it is not written as one.
  function parts(value) {
    const text = value.trim();
    let m = /^(\d{2})(\d{2})(\d{4})$/.exec(text) || /^(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{4})$/.exec(text);
    if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    return m ? [Number(m[3]), Number(m[2]), Number(m[1])] : null;
  }

  function exists(d, m, y) {
    const day = new Date(Date.UTC(y, m - 1, d));
    return y >= 1 && day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
  }

  function note(input) {
    const label = input.closest("label");
    return label && label.querySelector("small[data-day-note]");
  }

  function check(input) {
    const p = parts(input.value);
    const old = note(input);
    if (old) old.remove();
    input.removeAttribute("aria-invalid");
    if (!p) return;
    const [d, m, y] = p;
    if (exists(d, m, y)) {
      input.value = String(d).padStart(2, "0") + "." + String(m).padStart(2, "0") + "." + y;
      return;
    }
    input.setAttribute("aria-invalid", "true");
    const small = document.createElement("small");
    small.className = "error";
    small.setAttribute("data-day-note", "");
    small.textContent = input.getAttribute("data-day-invalid") + ": " + input.value;
    input.insertAdjacentElement("afterend", small);
  }

  document.addEventListener("input", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-day")) return;
    if (!event.inputType || !event.inputType.startsWith("insert")) return;
    const digits = maskable(input.value);
    if (digits !== null && digits.length > 2 && input.selectionStart === input.value.length) {
      input.value = masked(digits);
    }
  });

  document.addEventListener("focusout", function (event) {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-day")) check(input);
  });
})();
