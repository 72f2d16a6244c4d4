def test_record_a_donation_and_see_it_on_hand(login) -> None:  # type: ignore[no-untyped-def]
    client = login("stock_manager")
    response = client.post(
        "/stock",
        data={
            "donor": "World Vision",
            "lines-0-sku": "FOOD",
            "lines-0-quantity": "40",
            "lines-1-sku": "HYGIENE",
            "lines-1-quantity": "12",
            "lines-1-expires_on": "2027-01-31",
        },
    )
    assert response.status_code == 302
    page = client.get("/stock").text
    assert "Donation 1 recorded: 52 items" in page
    assert '<td class="num">40</td>' in page and '<td class="num">12</td>' in page


def test_a_bad_line_records_nothing(login) -> None:  # type: ignore[no-untyped-def]
    client = login("stock_manager")
    response = client.post(
        "/stock",
        data={
            "donor": "X",
            "lines-0-sku": "FOOD",
            "lines-0-quantity": "5",
            "lines-1-sku": "NOPE",
            "lines-1-quantity": "2",
        },
    )
    assert response.status_code == 422
    assert "no item &#39;NOPE&#39;: type its name, SKU or barcode" in response.text
    assert '<td class="num">5</td>' not in client.get("/stock").text


def test_a_line_without_quantity_is_named(login) -> None:  # type: ignore[no-untyped-def]
    client = login("stock_manager")
    response = client.post("/stock", data={"donor": "X", "lines-0-sku": "FOOD"})
    assert response.status_code == 422 and "Line 1 quantity" in response.text
