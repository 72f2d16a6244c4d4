"""Walk through AidDesk in headless Chromium and save a screenshot of each page.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 coordinator PASSWORD [CARD]

CARD, optional: the number of a card whose family was served a few days ago (after
`flask --app wsgi seed-demo`), for the NOT YET picture.

Registers a demo family and records a demo donation on the server it is pointed at, so
point it at a demo database, never at a live site. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = next(
    p
    for p in (os.environ.get("AID_CHROMIUM", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser")
    if p and Path(p).exists()
)


def main(base: str, username: str, password: str, served_recently: str = "") -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1366, "height": 768})

        def shot(name: str) -> None:
            page.screenshot(path=str(OUT / f"{name}.png"))
            print(OUT / f"{name}.png")

        page.goto(base + "/login")
        shot("login")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("button[type=submit]")

        page.goto(base + "/stock")
        page.fill("#donor", "World Vision")
        page.fill("#lines-0-sku", "FOOD")
        page.fill("#lines-0-quantity", "40")
        page.fill("#lines-1-sku", "HYGIENE")
        page.fill("#lines-1-quantity", "25")
        page.click("form button[type=submit].primary")
        shot("stock")

        page.goto(base + "/households/new")
        page.fill("#members-0-given_name", "Olena")
        page.fill("#members-0-family_name", "Kovalenko")
        page.fill("#members-0-birth_date", "1987-04-12")
        page.select_option("#members-0-sex", "F")
        page.fill("#members-0-given_name_native", "Олена")
        page.fill("#members-0-family_name_native", "Коваленко")
        page.fill("#members-0-document_number", "FE" + str(abs(hash(base)) % 10**6).zfill(6))
        page.click("input[name=add_member]")
        page.fill("#members-1-given_name", "Sofiia")
        page.fill("#members-1-family_name", "Kovalenko")
        page.fill("#members-1-birth_date", "2025-02-01")
        page.select_option("#members-1-sex", "F")
        page.select_option("#members-1-relationship", "child")
        page.select_option("#members-1-document_type", "birth_certificate")
        page.fill("#members-1-document_number", "I-БК " + str(abs(hash(base)) % 10**6).zfill(6))
        shot("register")
        page.click("input[name=save]")
        page.wait_for_selector("img.card-image")
        page.wait_for_function("() => document.querySelector('img.card-image').complete")
        shot("household")
        number = page.locator("text=in force").first.locator("xpath=..").inner_text().split(" ·")[0]

        page.goto(base + "/desk")
        page.fill("#scan", number)
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-state=eligible]")
        shot("desk-eligible")
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-state=served]")
        shot("desk-served")
        slip = page.locator("#print-slip").get_attribute("href") or ""
        served_page = page.url
        page.goto(base + slip.replace("print=1", "paper=80"))
        shot("slip")
        page.goto(served_page)
        page.fill("#scan", number)
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-state=just_served]")
        shot("desk-just-served")
        if served_recently:  # a card of a family served a few days ago (a demo database)
            page.fill("#scan", served_recently)
            page.keyboard.press("Enter")
            page.wait_for_selector("[data-state=not_yet]")
            shot("desk-not-yet")

        page.goto(base + "/reports/today")
        shot("counts")

        # The family's own check, on a phone, in Russian: no login.
        phone = browser.new_page(viewport={"width": 390, "height": 700}, locale="ru-RU")
        phone.goto(base + "/check")
        phone.fill("#number", number)
        phone.click("button[type=submit]")
        phone.wait_for_selector(".answer")
        phone.screenshot(path=str(OUT / "check-phone.png"))
        print(OUT / "check-phone.png")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
