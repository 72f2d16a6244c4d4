from tests.conftest import member


def test_found_by_document_number_in_any_spelling(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member(doc="FE 123-456"))
    found = api("coordinator").get("/api/v1/people?q=fe123456").get_json()
    assert [(p["household_id"], p["matched"]) for p in found] == [(household["id"], "document")]


def test_found_by_card_number_then_every_member_is_listed(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member("Olena"), member("Ivan", relationship="child", born="2015-01-01"))
    found = api("volunteer").get(f"/api/v1/people?q={household['card']['number']}").get_json()
    assert {p["given_name"] for p in found} == {"Olena", "Ivan"}


def test_found_by_the_beginnings_of_names_in_any_case(api, register) -> None:  # type: ignore[no-untyped-def]
    register(member("Yuliia", "Zhuk"))
    register(member("Yurii", "Koval"))
    desk = api("volunteer")
    assert [p["family_name"] for p in desk.get("/api/v1/people?q=yul zh").get_json()] == ["Zhuk"]
    assert len(desk.get("/api/v1/people?q=Yu").get_json()) == 2


def test_found_by_phone_however_it_was_typed(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member(), phone="+40 (712) 345-678")
    found = api("volunteer").get("/api/v1/people?q=0712 345 678").get_json()
    assert [p["household_id"] for p in found] == [household["id"]]


def test_wildcards_and_empty_queries_find_nobody(api, register) -> None:  # type: ignore[no-untyped-def]
    register()
    desk = api("volunteer")
    assert desk.get("/api/v1/people?q=%25").get_json() == []
    assert desk.get("/api/v1/people?q=_").get_json() == []
    assert desk.get("/api/v1/people?q=").get_json() == []


def test_the_search_page_links_to_the_household(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member("Taras", "Melnyk"))
    page = login("volunteer").get("/households/search?q=melnyk").text
    assert f'href="/households/{household["id"]}"' in page and "Taras Melnyk" in page


def test_a_stock_manager_may_not_search_people(api) -> None:  # type: ignore[no-untyped-def]
    assert api("stock_manager").get("/api/v1/people?q=x").status_code == 403


def test_the_same_person_is_found_in_any_script_and_spelling(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register(
        member("Yuliia", "Zhuk", given_name_native="Юлія", family_name_native="Жук")
    )
    register(member("Yurii", "Zhuravel"))
    desk = api("volunteer")
    for query in ("Юлія Жук", "Yuliia Zhuk", "Iuliia Zhuk", "Julia Zhuk", "юля жук", "Yul Zh"):
        found = desk.get(f"/api/v1/people?q={query}").get_json()
        assert [p["household_id"] for p in found][:1] == [household["id"]], query


def test_a_name_registered_only_in_latin_is_found_from_cyrillic(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member("Serhii", "Shcherbak"))
    found = api("volunteer").get("/api/v1/people?q=Сергій Щербак").get_json()
    assert [p["household_id"] for p in found] == [household["id"]]


def test_two_words_that_begin_one_word_of_the_name_find_it(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member("Olena", "Kovalenko"))
    register(member("Oleh", "Koval", born="1990-01-01"))
    desk = api("volunteer")
    for query in ("Ol Olena", "Olena Ol", "Kovalenko Kov", "olena olena"):
        found = desk.get(f"/api/v1/people?q={query}").get_json()
        assert [p["household_id"] for p in found] == [household["id"]], query


def test_a_word_typed_many_times_finds_what_it_finds_once(api, register) -> None:  # type: ignore[no-untyped-def]
    register(member("Olena", "Kovalenko"))
    register(member("Oleh", "Koval", born="1990-01-01"))
    desk = api("volunteer")
    once = desk.get("/api/v1/people?q=ol").get_json()
    assert len(once) == 2
    assert desk.get("/api/v1/people?q=" + "ol+" * 49).get_json() == once


def test_every_word_of_three_must_begin_a_word_of_the_name(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member("Anna-Mariia", "Koval"))
    register(member("Anna", "Koval", born="1990-01-01"))
    desk = api("volunteer")
    found = desk.get("/api/v1/people?q=anna mar kov").get_json()
    assert [p["household_id"] for p in found] == [household["id"]]
    assert desk.get("/api/v1/people?q=anna mar zh").get_json() == []
    assert desk.get("/api/v1/people?q=anna bb kov").get_json() == []


def test_the_pairs_find_the_same_people_in_the_same_order_as_intersecting_the_words(  # type: ignore[no-untyped-def]
    api, register, monkeypatch
) -> None:
    """Past EXPANDED keys (a word of one letter among many names) the people of each word are
    intersected instead: both ways give the same answer."""
    from app.registry import search

    for year, (given, family) in enumerate(
        [
            ("Olena", "Kovalenko"),
            ("Olena", "Koval"),
            ("Oleh", "Kovalenko"),
            ("Oksana", "Kovalchuk"),
            ("Kostiantyn", "Olenko"),
            ("Ivan", "Olenych"),
        ]
    ):
        register(
            member(given, family, born=f"{1970 + year}-05-01"),
            member(given, family, relationship="child", born=f"{2010 + year}-05-01"),
        )
    desk = api("volunteer")
    queries = ["ol kov", "o k", "k o", "olena koval", "ole ol", "kov kov", "ol ko ol", "ivan ol"]
    paired = [desk.get(f"/api/v1/people?q={q}").get_json() for q in queries]
    monkeypatch.setattr(search, "EXPANDED", 0)
    assert [desk.get(f"/api/v1/people?q={q}").get_json() for q in queries] == paired
    assert all(paired[:4]) and [p["given_name"] for p in paired[3]][:2] == ["Olena", "Olena"]
