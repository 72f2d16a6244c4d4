"""Every word a volunteer or a family reads is in the reader's language: the error pages, the
desk's NO CONNECTION, the audit trail's actions and the family's own record."""

import re

from tests.conftest import member


def in_language(client, language: str):  # type: ignore[no-untyped-def]
    client.post("/language", data={"language": language})
    return client


def test_a_page_not_for_the_role_says_why_in_the_users_language(login) -> None:  # type: ignore[no-untyped-def]
    client = in_language(login("volunteer"), "uk")
    page = client.get("/reports/today")
    assert page.status_code == 403
    assert "Не для вашої ролі" in page.text and "Ваша роль не дозволяє цього." in page.text
    assert "Your role" not in page.text


def test_a_malformed_address_gets_a_not_found_page_in_the_users_language(login) -> None:  # type: ignore[no-untyped-def]
    client = in_language(login("volunteer"), "ro")
    for path in ("/households/abc", "/no-such-page", "/desk/household/x"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "Această pagină nu există." in page.text
        assert "requested URL" not in page.text and "server" not in page.text


def test_the_desks_no_connection_words_come_from_the_page_in_the_users_language(login) -> None:  # type: ignore[no-untyped-def]
    page = in_language(login("volunteer"), "uk").get("/desk").text
    assert re.search(r'data-text-offline="НЕМАЄ З(\'|&#39;|&#x27;)ЄДНАННЯ"', page)
    assert 'data-text-offline-hint="Сервер не відповів. Спробуйте ще раз."' in page


def test_the_audit_trail_names_what_was_done_in_the_users_language(login, register) -> None:  # type: ignore[no-untyped-def]
    register()
    page = in_language(login("coordinator"), "uk").get("/audit").text
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert "створено" in cells and "родина 1" in cells
    assert not {"create", "update", "view"} & set(cells)


def test_a_familys_record_reads_as_words_yes_no_and_local_dates(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member("Olena", "Koval", born="1985-03-02"))
    login("volunteer").post("/desk/handover", data={"scan": household["card"]["qr"]})
    page = in_language(login("coordinator"), "uk").get(f"/households/{household['id']}/record")
    assert page.status_code == 200
    headers = re.findall(r"<th>([^<]*)</th>", page.text)
    assert "Народження" in headers and "Востаннє обслужено" in headers
    assert not [h for h in headers if re.fullmatch(r"[a-z_]+", h)]  # no column names
    cells = " ".join(re.findall(r"<td>([^<]*)</td>", page.text))
    assert "02.03.1985" in cells and "ні" in cells
    for raw in ("False", "True", "[]", "None", "+00:00", "1985-03-02"):
        assert raw not in page.text, raw
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", page.text)  # a moment: day and time
