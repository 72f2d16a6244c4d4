"""The interface in English, Romanian and Ukrainian; the family's lines in its own languages."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app import create_app
from app.config import ConfigError, load_config
from app.i18n import beneficiary_lines
from tests.conftest import PASSWORD, member
from tests.live import ROOT

TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("ro", "uk")
# Visible words a template may show as they are: the product's name.
UNTRANSLATED = ("AidDesk",)
# The marks beside gettext's own: lazy_gettext, and lazy_pgettext with its context (the README).
KEYWORDS = ("-k", "_l", "-k", "lazy_pgettext:1c,2")


def extracted(tmp_path: Path) -> Catalog:
    """The messages marked in app/ and templates/, as `pybabel extract` finds them."""
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [pybabel, "--quiet", "extract", "-F", "babel.cfg", *KEYWORDS, "-o", pot, "."],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as f:
        return read_po(f)


def catalog(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_message_is_translated(tmp_path, language) -> None:  # type: ignore[no-untyped-def]
    wanted = {m.id for m in extracted(tmp_path) if m.id}
    po = catalog(language)
    have = {m.id: m for m in po if m.id}
    assert sorted(map(str, wanted - have.keys())) == [], "run pybabel update, then translate"
    assert sorted(map(str, have.keys() - wanted)) == [], "stale messages: run pybabel update"
    for message in have.values():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: {message.id!r} has no translation"
        assert not message.fuzzy, f"{language}: {message.id!r} is fuzzy"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in po.check()]
    assert problems == []  # e.g. a %(day)s lost in translation


def _unmarked(template: str) -> list[str]:
    text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", template, flags=re.S)
    found = re.findall(r'(?:placeholder|aria-label|alt|title|data-text-[a-z-]+)="([^"]*)"', text)
    found += re.findall(r">([^<]+)<", re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S))
    left = [t.strip() for t in found]
    return [t for t in left if re.search(r"[^\W\d_]", re.sub("|".join(UNTRANSLATED), "", t))]


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("templates/**/*.html"))
)
def test_no_visible_text_in_a_template_is_left_unmarked(template) -> None:  # type: ignore[no-untyped-def]
    assert _unmarked((ROOT / template).read_text()) == []


def test_the_unmarked_text_check_sees_text_and_labels() -> None:
    page = (
        '<p>{{ _("Marked") }}</p><p>Left over</p><input placeholder="Name"><a>AidDesk</a>'
        '<small data-text-failed="Failed" data-text-ok="{{ _("OK") }}"></small>'
    )
    assert _unmarked(page) == ["Name", "Failed", "Left over"]


def _unmarked_in_script(source: str) -> list[str]:
    """Words a script would show: a string with two words or more and a capital or a full
    stop ("NO CONNECTION", "The server did not answer."), or HTML with text in it. A script's
    words come from its page (data-text-* attributes, marked there) so they are translated.
    Class lists ("answer not_a_card"), CSS selectors (".invalid input, .invalid select") and
    names ("Content-Type", "Escape") are not words."""
    code = re.sub(r"/\*.*?\*/|(?<![:\\])//[^\n]*", " ", source, flags=re.S)
    strings = re.findall(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`([^`]*)`', code)
    found = []
    for text in ("".join(parts) for parts in strings):
        if re.match(r"[.#\[][\w-]", text):  # a CSS selector for querySelector
            continue
        words = re.search(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}", text)
        if words and (re.search(r"[A-Z.!?:]", text) or re.search(r">[^<]*\w", text)):
            found.append(text)
    return found


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "static").glob("*.js")))
def test_no_visible_text_in_a_script_is_left_unmarked(script) -> None:  # type: ignore[no-untyped-def]
    assert _unmarked_in_script((ROOT / "static" / script).read_text()) == []


def test_the_unmarked_text_check_sees_the_words_of_a_script() -> None:
    script = """
    // A comment says "What it Does." and is no text on a page.
    el.className = "answer not_a_card";
    form.querySelector(".invalid input, .invalid select");
    headers = { "Content-Type": "image/jpeg", "X-Desk-Panel": "1" };
    if (event.key === "Escape") throw new Error("HTTP " + status);
    title.textContent = "NO CONNECTION";
    panel.innerHTML = '<p>The server did not answer.</p>';
    note.textContent = `Try again`;
    text.textContent = panel.dataset.textOffline;
    """
    assert _unmarked_in_script(script) == [
        "NO CONNECTION",
        "<p>The server did not answer.</p>",
        "Try again",
    ]


@pytest.mark.parametrize(
    ("accept", "lang", "words"),
    [
        ("uk-UA,uk;q=0.9,en;q=0.5", "uk", "Увійти"),
        ("ro-RO,ro;q=0.9", "ro", "Autentificare"),
        ("fr-FR,fr;q=0.9", "en", "Log in"),
        (None, "en", "Log in"),
    ],
)
def test_the_login_page_follows_the_browsers_language(client, accept, lang, words) -> None:  # type: ignore[no-untyped-def]
    headers = {"Accept-Language": accept} if accept else {}
    page = client.get("/login", headers=headers).text
    assert f'<html lang="{lang}">' in page and f"<h1>{words}</h1>" in page


def test_a_users_choice_of_language_sticks_over_the_browsers(client, login) -> None:  # type: ignore[no-untyped-def]
    ukrainian = {"Accept-Language": "uk"}
    login("volunteer")
    assert '<html lang="uk">' in client.get("/desk", headers=ukrainian).text
    chosen = client.post("/language", data={"language": "ro", "next": "/desk"})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/desk"
    page = client.get("/desk", headers=ukrainian).text
    assert '<html lang="ro">' in page and "Scanați cardul" in page
    # Kept with the user, not the session: still Romanian after logging in again.
    name = re.search(r"<span>(\S+) ·", page).group(1)  # type: ignore[union-attr]
    client.post("/logout")
    assert '<html lang="uk">' in client.get("/login", headers=ukrainian).text
    client.post("/login", data={"username": name, "password": PASSWORD})
    assert '<html lang="ro">' in client.get("/desk", headers=ukrainian).text
    # No choice (an empty one) follows the browser again.
    client.post("/language", data={"language": ""})
    assert '<html lang="uk">' in client.get("/desk", headers=ukrainian).text


def test_the_family_reads_its_lines_in_ukrainian_and_romanian_whatever_the_volunteer_reads(
    client, login, register, set_today
) -> None:  # type: ignore[no-untyped-def]
    household = register(member())
    login("volunteer")
    client.post("/language", data={"language": "ro"})
    set_today(date(2026, 3, 1))
    served = client.post("/desk/handover", data={"scan": household["card"]["qr"]}).text
    assert "PREDAT" in served
    set_today(date(2026, 3, 4))
    answer = client.post("/desk/check", data={"scan": household["card"]["qr"]}).text
    assert "ÎNCĂ NU" in answer and "Poate reveni din <strong>11.03.2026</strong>." in answer
    assert '<p class="beneficiary" lang="uk">Ви можете прийти знову з 11.03.2026</p>' in answer
    assert '<p class="beneficiary" lang="ro">Puteți reveni începând cu 11.03.2026</p>' in answer
    for text in (served, answer):
        assert "You can come again" not in text


def test_a_new_beneficiary_language_needs_only_its_catalog_and_the_setting(tmp_path) -> None:  # type: ignore[no-untyped-def]
    russian = Catalog(locale="ru")
    russian.add("You can come again from %(day)s", "Вы можете прийти снова с %(day)s")
    (tmp_path / "ru" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "ru" / "LC_MESSAGES" / "messages.mo").open("wb") as f:
        write_mo(f, russian)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "s",
            "CARD_KEY": "c",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            "BABEL_TRANSLATION_DIRECTORIES": f"{TRANSLATIONS};{tmp_path}",
            "AID_BENEFICIARY_LANGUAGES": ["uk", "ro", "ru"],
        }
    )
    with app.test_request_context(headers={"Accept-Language": "ro"}):
        assert beneficiary_lines(date(2026, 3, 11)) == [
            ("uk", "Ви можете прийти знову з 11.03.2026"),
            ("ro", "Puteți reveni începând cu 11.03.2026"),
            ("ru", "Вы можете прийти снова с 11.03.2026"),
        ]


def test_the_beneficiary_languages_come_from_the_environment(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert load_config(tmp_path)["AID_BENEFICIARY_LANGUAGES"] == ["uk", "ro"]
    monkeypatch.setenv("AID_BENEFICIARY_LANGUAGES", "uk, ro, ru")
    assert load_config(tmp_path)["AID_BENEFICIARY_LANGUAGES"] == ["uk", "ro", "ru"]
    monkeypatch.setenv("AID_BENEFICIARY_LANGUAGES", "uk,klingon!")
    with pytest.raises(ConfigError, match="AID_BENEFICIARY_LANGUAGES"):
        load_config(tmp_path)


def test_the_forms_own_messages_follow_the_language_inside_the_member_rows(client, login) -> None:  # type: ignore[no-untyped-def]
    login("volunteer")
    client.post("/language", data={"language": "uk"})
    page = client.post("/households/new", data={"save": "1"}).text
    assert "Це поле є обов&#39;язковим." in page and "This field is required." not in page


def test_search_results_name_the_relationship_and_the_match_in_the_users_language(
    client, login, register
) -> None:  # type: ignore[no-untyped-def]
    register(member(given="Olena", family="Koval"))
    login("volunteer")
    client.post("/language", data={"language": "ro"})
    page = client.get("/households/search", query_string={"q": "Koval"}).text
    assert re.search(r"<td[^>]*>Capul familiei</td>", page)
    assert re.search(r"<td[^>]*>nume</td>", page)


def _raises_with_plain_text() -> list[str]:
    """`raise SomeDomainError("text")` or with an f-string: a message no catalog can hold."""
    import ast
    import importlib

    from app.errors import DomainError

    sources = sorted((ROOT / "app").rglob("*.py"))
    for path in sources:  # every module, so that every DomainError subclass is known
        importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))

    def subclasses(cls: type) -> set[str]:
        found = {cls.__name__}
        for sub in cls.__subclasses__():
            found |= subclasses(sub)
        return found

    domain_errors = subclasses(DomainError)
    plain = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.exc.args[0] if node.exc.args else None
            if name in domain_errors and isinstance(first, ast.Constant | ast.JoinedStr):
                plain.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return plain


def test_every_message_a_service_gives_is_marked_for_translation() -> None:
    assert _raises_with_plain_text() == [], "wrap the message in _l(...) (flask_babel)"


# Files others own for now: their field messages are still plain English (see the README).
FIELD_MESSAGES_LEFT_IN_ENGLISH: set[str] = set()
# A function that may return a text or None is taken to return a message, except these.
# A country code (documents.mrz_fields); a health state (ops.standby).
NOT_MESSAGES = {"read_state", "replication_state"}


def _plain_field_messages(source: str) -> list[int]:
    """Lines where a field message no catalog can hold (a str literal or an f-string) goes
    into ValidationFailed, Problems.add, a ``fields[...]``/``problems[...]`` dict, an import
    Problem or an MRZ's NotMrz, or is returned by a ``-> str | None`` check (documents.formats,
    the rules)."""
    import ast

    def plain(node: ast.AST | None) -> bool:
        if isinstance(node, ast.IfExp):  # "a" if signed else "b"
            return plain(node.body) or plain(node.orelse)
        return isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str)
        )

    def named(node: ast.AST) -> str:
        return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")

    def dict_values(node: ast.AST | None) -> list[ast.AST | None]:
        if isinstance(node, ast.Dict):
            return list(node.values)
        if isinstance(node, ast.DictComp):
            return [node.value]
        if isinstance(node, ast.BinOp):  # {...} | {...}
            return dict_values(node.left) + dict_values(node.right)
        return []

    lines = []
    for node in ast.walk(ast.parse(source)):
        found: list[ast.AST | None] = []
        if isinstance(node, ast.Call):
            name, args = named(node.func), node.args
            if name == "ValidationFailed":
                found = dict_values(args[0] if args else None) + args[1:2]
            elif name == "add" and named(getattr(node.func, "value", node)) == "problems":
                found = args[1:2]
            elif name == "Problem":
                found = args[2:3]
            elif name == "NotMrz":  # documents.mrz: the reason shown at the zone's field
                found = args[:1]
        elif isinstance(node, ast.Assign):
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and named(target.value) in ("fields", "problems"):
                found = [node.value]
            elif named(target) in ("fields", "problems") and not isinstance(node.value, ast.Dict):
                # built by comprehensions; a dict written out is something else (a log line)
                found = dict_values(node.value)
        elif (
            isinstance(node, ast.FunctionDef)
            and node.name not in NOT_MESSAGES
            and node.returns is not None
            and ast.unparse(node.returns) == "str | None"
        ):
            found = [r.value for r in ast.walk(node) if isinstance(r, ast.Return)]
        lines += [getattr(n, "lineno", node.lineno) for n in found if plain(n)]
    return sorted(lines)


def test_the_field_message_check_sees_each_way_a_message_is_given() -> None:
    source = """
raise ValidationFailed({"a": "plain"})
raise ValidationFailed({"a": _l("marked")}, "plain message")
problems.add(path, f"at most {n}")
fields["name"] = "plain"
problems = {name: "plain" for name in REQUIRED} | {"b": _l("marked")}
Problem(row, "sex", "plain")
raise NotMrz(f"{n} lines")
def check(value: str) -> str | None:
    if value:
        return _l("marked")
    return "plain"
fields["ok"] = _l("at most %(n)s characters", n=3)
fields["n"] = _l("signed") if signed else f"from 1 to {n}"
"""
    assert _plain_field_messages(source) == [2, 3, 4, 5, 6, 7, 8, 12, 14]


def test_every_field_message_is_marked_for_translation() -> None:
    plain = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "app").rglob("*.py"))
        if path.relative_to(ROOT).as_posix() not in FIELD_MESSAGES_LEFT_IN_ENGLISH
        for line in _plain_field_messages(path.read_text())
    ]
    assert plain == [], "wrap the message in _l(...) with named values: _l('%(n)s', n=n)"


def test_a_service_message_reaches_the_volunteer_in_their_language(client, login) -> None:  # type: ignore[no-untyped-def]
    volunteer = login("volunteer")
    volunteer.post("/language", data={"language": "uk", "next": "/desk"})
    page = volunteer.get("/households/9999")
    assert page.status_code == 404
    assert "Немає родини 9999." in page.text


def test_a_field_message_from_the_rules_is_shown_at_its_field_in_ukrainian(client, login) -> None:  # type: ignore[no-untyped-def]
    from tests.households.test_bad_input import field_errors, form

    login("volunteer")
    client.post("/language", data={"language": "uk"})
    page = client.post("/households/new", data=form(**{"members-1-birth_date": "2999-01-01"}))
    assert page.status_code == 200
    assert field_errors(page.text, "members-1-birth_date") == ["у майбутньому"]


def test_the_api_gives_a_field_message_in_its_users_language_under_the_same_key(
    app, client, make_user
) -> None:  # type: ignore[no-untyped-def]
    from app.auth.models import User
    from app.auth.services import find_user, issue_api_token
    from app.extensions import db

    def token(language: str | None) -> dict[str, str]:
        with app.app_context():
            user = find_user(db.session, make_user("volunteer"))
            assert isinstance(user, User)
            user.language = language
            headers = {"Authorization": f"Bearer {issue_api_token(db.session, user)}"}
            db.session.commit()
        return headers

    body = {"members": [member(), member(relationship="child", born="2999-01-01")]}
    answers = {
        language: client.post("/api/v1/households", json=body, headers=token(language))
        for language in ("uk", None)
    }
    for answer in answers.values():
        assert answer.status_code == 422 and answer.get_json()["error"] == "validation"
    ukrainian, english = (answers[lang].get_json()["fields"] for lang in ("uk", None))
    assert ukrainian == {"members.1.birth_date": "у майбутньому"}
    assert english == {"members.1.birth_date": "is in the future"}
    # A body of the wrong shape: pydantic's sentences, through the catalog too.
    shapeless = {"members": [{**member(), "given_name": "", "sex": 1}], "phone": 5}
    answer = client.post("/api/v1/households", json=shapeless, headers=token("uk"))
    assert answer.status_code == 422 and answer.get_json()["fields"] == {
        "members.0.given_name": "Рядок має містити щонайменше 1 символ",
        "members.0.sex": "Значення має бути одним із: 'F', 'M', 'X'",
        "phone": "Значення має бути рядком",
    }


def test_an_import_problem_is_kept_untranslated_and_read_in_the_readers_language(app) -> None:  # type: ignore[no-untyped-def]
    from flask_babel import force_locale

    from app.households.imports.checks import Problem, problems_from_json, problems_to_json
    from app.households.rules import one_of

    with app.app_context():  # as the job's thread: no request, so English
        kept = problems_to_json([Problem(2, "relationship", one_of(("head", "child")))])
    with app.test_request_context(), force_locale("ro"):
        (problem,) = problems_from_json(kept)
        assert str(problem.message) == "una dintre: head, child"


# Words that stay as they are in every language: names of formats and codes.
SAME_IN_EVERY_LANGUAGE = {"Excel", "CSV", "PDF", "SKU", "QR", "MRZ", "ID", "API", "JSON", "UKR"}


@pytest.mark.parametrize("language", ["ro", "uk"])
def test_each_catalog_is_in_its_own_language(language) -> None:  # type: ignore[no-untyped-def]
    """A Romanian line in the Ukrainian catalog passes "is translated": catch it by script."""
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    cyrillic = re.compile(r"[\u0400-\u04ff]")
    wrong = []
    for message in catalog:
        if not message.id:
            continue  # the header
        text = message.string if isinstance(message.string, str) else " ".join(message.string)
        words = set(re.findall(r"[A-Za-zăâîșțĂÂÎȘȚ]+", re.sub(r"%\(\w+\)s", "", text)))
        if language == "uk" and words - SAME_IN_EVERY_LANGUAGE and not cyrillic.search(text):
            wrong.append((message.id, text))
        if language == "ro" and cyrillic.search(text):
            wrong.append((message.id, text))
    assert wrong == []
