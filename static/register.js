// The registration page without reloads. "Read the zone", "Add a member" and "Remove the last
// member" post the form as they do without JavaScript, and the form the server sends back
// replaces this one in place: the same checks, messages and defaults, with no page reload,
// the focus kept where the volunteer works. "Register" posts normally.
//
// A member typed by hand (no zone read) gets the relationship and document its birth date
// suggests, as app/households/rules.py gives them to a member read from a zone, unless the
// volunteer has chosen them.
(function () {
  "use strict";

  const LIVE = ["read_mrz", "add_member", "remove_member"];

  function live(submitter) {
    const name = (submitter && submitter.name) || "";
    return LIVE.some(function (end) {
      return name === end || name.endsWith("-" + end);
    });
  }

  function focusAfter(form, submitter) {
    const name = submitter.name;
    const members = form.querySelectorAll("fieldset.member");
    let member = members[members.length - 1];
    const read = /^members-(\d+)-read_mrz$/.exec(name);
    if (read) member = form.querySelector('fieldset.member[data-member="' + read[1] + '"]');
    if (!member) return;
    const target =
      member.querySelector(".invalid input, .invalid select, .invalid textarea") ||
      member.querySelector("input[name$='-given_name']");
    if (target) target.focus();
  }

  async function send(form, submitter) {
    const body = new FormData(form, submitter);
    const answer = await fetch(form.action || location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!answer.ok) throw new Error(String(answer.status));
    const page = new DOMParser().parseFromString(await answer.text(), "text/html");
    const fresh = page.querySelector("form.register[data-live]");
    if (!fresh) throw new Error("no form in the answer");
    form.replaceWith(fresh);
    focusAfter(fresh, submitter);
    // A key pressed while the answer was on its way (F4 right after Ctrl+Enter) acts now.
    const next = queued;
    queued = null;
    const button = next && fresh.querySelector('[name="' + next + '"]');
    if (button) fresh.requestSubmit(button);
  }

  let queued = null;

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form.register[data-live]")) return;
    const submitter = event.submitter;
    if (form.dataset.busy) {
      event.preventDefault();
      queued = (submitter && submitter.name) || "save";
      return;
    }
    if (!live(submitter)) return;
    event.preventDefault();
    form.dataset.busy = "1";
    send(form, submitter).catch(function () {
      // Whatever went wrong, the page still works the way it does without JavaScript.
      delete form.dataset.busy;
      form.removeAttribute("data-live");
      if (typeof form.requestSubmit === "function") form.requestSubmit(submitter);
      else submitter.click();
    });
  });

  // ---- defaults for a member typed by hand ----

  function day(text) {
    const t = (text || "").trim();
    let m = /^(\d{2})(\d{2})(\d{4})$/.exec(t) || /^(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{4})$/.exec(t);
    if (m) return { y: Number(m[3]), m: Number(m[2]), d: Number(m[1]) };
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
    return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
  }

  function ageOn(born, on) {
    let years = on.y - born.y;
    if (on.m < born.m || (on.m === born.m && on.d < born.d)) years -= 1;
    return years;
  }

  function before(a, b) {
    return a.y !== b.y ? a.y < b.y : a.m !== b.m ? a.m < b.m : a.d <= b.d;
  }

  // The same rule as likely_relationship in app/households/rules.py.
  function relationship(born, headBorn, today, spouseTaken, ages) {
    const age = ageOn(born, today);
    if (headBorn) {
      const headAgeThen = before(headBorn, born) ? ageOn(headBorn, born) : -1;
      if (headAgeThen >= ages.parent && (age < ages.adult || headAgeThen >= ages.adult)) return "child";
      if (before(born, headBorn) && ageOn(born, headBorn) >= ages.adult) return "parent";
    }
    if (age < ages.adult) return headBorn ? "sibling" : "child";
    return spouseTaken ? "other" : "spouse";
  }

  document.addEventListener("change", function (event) {
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.closest("form.register[data-live]")) {
      select.dataset.chosen = "1";
    }
  });

  document.addEventListener("focusin", function (event) {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.name.endsWith("-birth_date")) {
      input.dataset.was = input.value;
    }
  });

  document.addEventListener("focusout", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.name.endsWith("-birth_date")) return;
    const form = input.closest("form.register[data-live]");
    const member = input.closest("fieldset.member");
    if (!form || !member || member.dataset.member === "0" || input.value === input.dataset.was) return;
    const zone = member.querySelector("textarea[name$='-mrz']");
    const born = day(input.value);
    if (!born || (zone && zone.value.trim())) return;
    const today = day(form.dataset.today);
    const ages = {
      adult: Number(form.dataset.adultAge),
      parent: Number(form.dataset.parentAge),
      passport: Number(form.dataset.passportAge),
    };
    const head = form.querySelector("input[name='members-0-birth_date']");
    const spouseTaken = Array.from(form.querySelectorAll("select[name$='-relationship']")).some(function (s) {
      return s.value === "spouse" && !member.contains(s);
    });
    const kind = member.querySelector("select[name$='-relationship']");
    if (kind && !kind.dataset.chosen) {
      kind.value = relationship(born, day(head && head.value), today, spouseTaken, ages);
    }
    const documentType = member.querySelector("select[name$='-document_type']");
    if (documentType && !documentType.dataset.chosen) {
      documentType.value = ageOn(born, today) < ages.passport ? "birth_certificate" : "passport";
    }
  });
})();
