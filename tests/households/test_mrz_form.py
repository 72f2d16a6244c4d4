"""Registration from a document's machine-readable zone, through the page."""

from sqlalchemy import select

from app.extensions import db
from app.households.models import Document

TD3 = "P<UKRKOVALENKO<<OLENA<<<<<<<<<<<<<<<<<<<<<<<\nFE1234567UKR8704127F3001012<<<<<<<<<<<<<<02"


def td3(number: str = "FE123456<", expiry: str = "300101") -> str:
    from app.documents.mrz_fields import check_digit

    birth = "870412"
    line2 = (
        f"{number}{check_digit(number)}UKR{birth}{check_digit(birth)}F{expiry}{check_digit(expiry)}"
    )
    optional = "<" * 14
    line2 += optional + check_digit(optional)
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    line2 += check_digit(composite)
    return "P<UKRKOVALENKO<<OLENA<<<<<<<<<<<<<<<<<<<<<<<\n" + line2


def read(client, text: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/households/new",
        data={"members-0-mrz": text, "members-0-read_mrz": "1", "members-0-relationship": "head"},
    )


def test_reading_the_zone_fills_the_members_fields(login) -> None:  # type: ignore[no-untyped-def]
    page = read(login("volunteer"), td3()).text
    assert 'value="Olena"' in page and 'value="Kovalenko"' in page
    assert 'value="12.04.1987"' in page and 'value="FE123456"' in page
    assert 'value="01.01.2030"' in page
    assert '<option selected value="F">' in page or 'value="F" selected' in page


def test_a_wrong_check_digit_names_the_field_to_look_at_again(login) -> None:  # type: ignore[no-untyped-def]
    text = td3().replace("FE123456<", "FE123457<", 1)
    page = read(login("volunteer"), text).text
    assert "check digit does not match" in page


def test_text_that_is_not_a_zone_says_why(login) -> None:  # type: ignore[no-untyped-def]
    page = read(login("volunteer"), "hello").text
    assert 'class="field wide invalid"' in page


def test_an_expired_passport_is_read_with_a_warning_and_registered(app, login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    page = read(client, td3(expiry="200101")).text
    assert "expired on 01.01.2020" in page
    data = {
        "members-0-given_name": "Olena",
        "members-0-family_name": "Kovalenko",
        "members-0-birth_date": "1987-04-12",
        "members-0-sex": "F",
        "members-0-relationship": "head",
        "members-0-document_type": "passport",
        "members-0-document_number": "FE123456",
        "members-0-document_country": "UKR",
        "members-0-document_expires_on": "2020-01-01",
        "save": "1",
    }
    response = client.post("/households/new", data=data)
    assert response.status_code == 302
    assert "expired 01.01.2020" in client.get(response.headers["Location"]).text
    with app.app_context():
        assert db.session.scalar(select(Document.expires_on)).isoformat() == "2020-01-01"


def test_a_ukrainian_id_card_number_typed_with_letters_is_refused_at_the_field(app, login) -> None:  # type: ignore[no-untyped-def]
    data = {
        "members-0-given_name": "Olena",
        "members-0-family_name": "Kovalenko",
        "members-0-birth_date": "1987-04-12",
        "members-0-sex": "F",
        "members-0-relationship": "head",
        "members-0-document_type": "id_card",
        "members-0-document_number": "12345678A",
        "members-0-document_country": "UKR",
        "save": "1",
    }
    page = login("volunteer").post("/households/new", data=data)
    assert page.status_code == 200 and "9 digits" in page.text
    with app.app_context():
        assert db.session.scalar(select(Document.id)) is None


def test_a_birth_certificate_typed_in_latin_is_the_same_as_in_cyrillic(api) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import member

    desk = api("volunteer")
    first = member(doc="I-ВК 123456", doc_type="birth_certificate")  # Cyrillic В and К
    assert desk.post("/api/v1/households", json={"members": [first]}).status_code == 201
    again = member(doc="i-bk 123456", doc_type="birth_certificate")  # their Latin look-alikes
    answer = desk.post("/api/v1/households", json={"members": [again]})
    assert answer.status_code == 409 and answer.get_json()["error"] == "duplicate_document"


def test_the_zone_fills_the_dates_a_browser_sent_empty(login) -> None:  # type: ignore[no-untyped-def]
    # A browser sends every field of the form, the empty date inputs too.
    page = login("volunteer").post(
        "/households/new",
        data={
            "members-0-mrz": td3(),
            "members-0-read_mrz": "1",
            "members-0-relationship": "head",
            "members-0-birth_date": "",
            "members-0-document_expires_on": "",
        },
    )
    assert 'value="12.04.1987"' in page.text and 'value="01.01.2030"' in page.text
