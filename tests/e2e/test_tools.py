"""The plate calculator on a phone: loaded once, then offline, it still answers as you
type, and its answers equal the server's for the same input."""

import requests
from playwright.sync_api import Page, expect

from tests.conftest import make_user
from tests.e2e.conftest import sign_in


def shown(page: Page) -> dict:
    result = page.locator("#plate-result")
    answer = {
        "achieved": float(
            result.locator(".plate-achieved [data-achieved]").get_attribute("data-achieved")
        ),
        "per_side": [
            float(w)
            for w in result.locator("[data-per-side]").get_attribute("data-per-side").split(",")
            if w
        ],
        "exact": result.locator(".badge").inner_text().lower() == "exact",
    }
    for option in ("below", "above"):
        item = result.locator(f'[data-option="{option}"] [data-achieved]')
        answer[option] = float(item.get_attribute("data-achieved")) if item.count() else None
    return answer


def server(live_server: str, **query) -> dict:
    answer = requests.get(f"{live_server}/api/v1/calc/plates", params=query, timeout=10).json()
    return {
        "achieved": answer["achieved"],
        "per_side": answer["per_side"],
        "exact": answer["exact"],
        "below": answer["below"] and answer["below"]["achieved"],
        "above": answer["above"] and answer["above"]["achieved"],
    }


def test_offline_plate_calculator_matches_the_server(
    page: Page, context, live_server, db, screenshots
):
    make_user("lifter@example.com", role="coach", display_name="Riley Chen")
    sign_in(page, live_server, "lifter@example.com")
    page.goto(f"{live_server}/tools/plates")
    expect(page.get_by_role("heading", name="Plate calculator")).to_be_visible()
    context.set_offline(True)

    page.get_by_label("Plates", exact=True).select_option("ipf")
    page.get_by_label("Target", exact=True).fill("142.5")
    expect(page.locator("#plate-result [data-per-side]")).to_have_attribute(
        "data-per-side", "25,25,5,2.5,1.25"
    )
    page.screenshot(path=screenshots / "plates.png")
    offline_ipf = shown(page)

    page.get_by_label("Target", exact=True).fill("140.7")  # between steps: nearest below and above
    expect(page.locator('#plate-result [data-option="above"]')).to_be_visible()
    offline_odd = shown(page)

    # limited custom inventory: one pair of 20s and two of 15s; 80 kg is 15 + 15 a side
    page.locator(".plate-inventory summary").click()
    for name, pairs in {
        "25": 0,
        "20": 1,
        "15": 2,
        "10": 0,
        "5": 0,
        "2.5": 0,
        "1.25": 0,
        "0.5": 0,
        "0.25": 0,
    }.items():
        page.get_by_label(f"Pairs of {name} kg", exact=True).fill(str(pairs))
    page.get_by_label("One collar").fill("0")
    page.get_by_label("Target", exact=True).fill("80")
    expect(page.locator("#plate-result [data-per-side]")).to_have_attribute(
        "data-per-side", "15,15"
    )
    offline_custom = shown(page)
    context.set_offline(False)

    ipf = "50:0,25:8,20:1,15:1,10:1,5:1,2.5:1,1.25:1,0.5:1,0.25:1"
    base = {"unit": "kg", "bar": "20", "collar": "2.5", "plates": ipf}
    assert offline_ipf == server(live_server, target="142.5", **base)
    assert offline_odd == server(live_server, target="140.7", **base)
    assert offline_custom == server(
        live_server, target="80", unit="kg", bar="20", collar="0", plates="20:1,15:2"
    )
    page.reload()  # the URL kept the inputs: the server's own page says the same
    expect(page.locator("#plate-result [data-per-side]")).to_have_attribute(
        "data-per-side", "15,15"
    )
    assert "csrf_token" not in page.url and "client_id" not in page.url  # no secrets in links

    # keep this inventory as a gym: it comes back from the Plates menu
    if not page.locator(".plate-inventory").evaluate("details => details.open"):
        page.locator(".plate-inventory summary").click()
    page.get_by_label("Save these plates, bar and collars as").fill("Garage")
    page.get_by_role("button", name="Save gym").click()
    expect(page.get_by_text("Saved Garage")).to_be_visible()
    expect(page.locator("#plate-result [data-per-side]")).to_have_attribute(
        "data-per-side", "15,15"
    )
