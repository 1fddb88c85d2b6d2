"""The public calculators of DESIGN.md section 7, on real meet results and the RTS chart."""

import csv

import pytest

from tests.conftest import shared_file


@pytest.fixture(scope="module")
def results():
    text = shared_file("refdata", "points_examples.csv").read_text()
    return list(csv.DictReader(text.splitlines()))


def test_points_for_every_formula_match_real_meet_results(client, results):
    for row in results:
        equipment = "classic" if row["equipment"] in ("Raw", "Wraps") else "equipped"
        for formula, column in (
            ("dots", "expected_dots"),
            ("wilks", "expected_wilks"),
            ("wilks2020", "expected_wilks2020"),
            ("ipfgl", "expected_goodlift"),
        ):
            response = client.get(
                "/api/v1/calc/points",
                query_string={
                    "formula": formula,
                    "sex": row["sex"],
                    "bodyweight": row["bodyweight_kg"],
                    "total": row["total_kg"],
                    "equipment": equipment,
                    "event": row["event"].lower(),
                },
            )
            assert response.status_code == 200
            assert response.get_json() == {"formula": formula, "points": float(row[column])}


def test_e1rm_from_the_rpe_chart_and_formulas(client):
    # 100 kg x 5 @ RPE 8: 81.1% -> 123.3 kg; Epley 100 x 5 = 116.67; Brzycki 140 x 6 = 162.58
    assert client.get("/api/v1/calc/e1rm?load=100&reps=5&rpe=8&formula=rpe").get_json() == {
        "formula": "rpe",
        "e1rm": 123.3,
    }
    assert client.get("/api/v1/calc/e1rm?load=100&reps=5&formula=epley").get_json() == {
        "formula": "epley",
        "e1rm": 116.67,
    }
    assert client.get("/api/v1/calc/e1rm?load=140&reps=6&formula=brzycki").get_json() == {
        "formula": "brzycki",
        "e1rm": 162.58,
    }


@pytest.mark.parametrize(
    "query",
    [
        "formula=dots&sex=M&bodyweight=80",
        "formula=glossbrenner&sex=M&bodyweight=80&total=500",
        "formula=dots&sex=X&bodyweight=80&total=500",
        "formula=dots&sex=M&bodyweight=abc&total=500",
        "formula=dots&sex=M&bodyweight=-80&total=500",
        "formula=dots&sex=M&bodyweight=nan&total=5",
        "formula=ipfgl&sex=M&bodyweight=80&total=500&equipment=multiply",
        "formula=ipfgl&sex=M&bodyweight=80&total=500&event=d",
    ],
)
def test_bad_points_queries_get_400_with_an_error(client, query):
    response = client.get(f"/api/v1/calc/points?{query}")
    assert response.status_code == 400 and response.get_json()["error"]


@pytest.mark.parametrize(
    "query",
    [
        "load=100&reps=5&formula=rpe",
        "load=100&reps=5.5&formula=epley",
        "load=0&reps=5",
        "load=100&reps=50&formula=brzycki",
        "load=100&reps=5&rpe=11&formula=rpe",
        "load=" + "9" * 5000 + "&reps=3",
        "reps=3",
        "load=100&reps=3&formula=lander",
    ],
)
def test_bad_e1rm_queries_get_400_with_an_error(client, query):
    response = client.get(f"/api/v1/calc/e1rm?{query}")
    assert response.status_code == 400 and response.get_json()["error"]
