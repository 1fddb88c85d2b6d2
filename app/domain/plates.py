"""The plate calculator: which plates go on each side of the bar for a target load.

Exact for limited inventories: a search over every per-side combination the gym's plates
allow (bounded knapsack over reachable sums), not greedy (with one pair of 20s and two of 15s,
30 a side is 15 + 15). Ties between combinations making the same load: fewest plates, then
heavier plates first, comparing the per-side lists heaviest-first element by element
(DESIGN.md section 4). kg and lb plates mix exactly: every weight is an integer number of
UNITS (10^-10 kg), and 1 lb = 0.45359237 kg exactly (the international pound, 1959), so a
pound is 4,535,923,700 units (fine enough for 0.25 lb plates) and no float is ever involved.

static/js/plates.js is the same algorithm in JavaScript (offline, in the browser); both are
tested against tests/vectors/plates.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.domain.units import plain

UNITS_PER_KG = 10_000_000_000
UNITS_PER_LB = 4_535_923_700  # 0.45359237 kg: a 1.25 lb plate is 5,669,904,625 units
UNIT_SIZE = {"kg": UNITS_PER_KG, "lb": UNITS_PER_LB}
MAX_PAIRS = 20  # of one denomination: more than any rack holds
MAX_KG = Decimal(1500)  # targets and denominations above this are typing errors

# Presets (per side = pairs). Sources: tests/test_plate_presets.py checks them against
# refdata/plates.json: the IPF disc set 50 ... 0.25 kg with 2.5 kg collars on a 20 kg bar;
# OpenLifter's default kg gym inventory; the common lb plates 45/35/25/10/5/2.5 on a 45 lb bar.
PRESETS = {
    "ipf": {
        "label": "IPF competition (kg)",
        "unit": "kg",
        "bar": "20",
        "collar": "2.5",
        "plates": {
            "50": 0,
            "25": 8,
            "20": 1,
            "15": 1,
            "10": 1,
            "5": 1,
            "2.5": 1,
            "1.25": 1,
            "0.5": 1,
            "0.25": 1,
        },
    },
    "kg-gym": {
        "label": "Commercial gym (kg)",
        "unit": "kg",
        "bar": "20",
        "collar": "0",
        "plates": {"25": 4, "20": 4, "15": 2, "10": 2, "5": 2, "2.5": 2, "1.25": 2},
    },
    "lb-gym": {
        "label": "Commercial gym (lb)",
        "unit": "lb",
        "bar": "45",
        "collar": "0",
        "plates": {"45": 8, "35": 2, "25": 2, "10": 2, "5": 2, "2.5": 2},
    },
}
# IPF disc colours (refdata/plates.json, high/medium confidence entries); others are grey.
IPF_COLOURS = {
    "50": "green",
    "25": "red",
    "20": "blue",
    "15": "yellow",
    "10": "green",
    "5": "white",
    "2.5": "black",
    "1.25": "chrome",
    "0.5": "chrome",
    "0.25": "chrome",
}


class PlateError(ValueError):
    """Input the calculator can't use; ``str()`` says which, for the user."""


@dataclass(frozen=True, order=True)
class Plate:
    """One disc: ``weight`` in ``unit`` ('kg' or 'lb')."""

    weight: Decimal
    unit: str

    @property
    def units(self) -> int:
        return to_units(self.weight, self.unit)

    @property
    def label(self) -> str:
        return f"{self.weight.normalize():f}"


@dataclass(frozen=True)
class Loading:
    """Plates for one side, heaviest first, and the whole bar's load in UNITS."""

    achieved_units: int
    per_side: tuple[Plate, ...]

    @property
    def achieved_kg(self) -> Decimal:
        return Decimal(self.achieved_units) / UNITS_PER_KG

    def achieved_in(self, unit: str) -> Decimal:
        """The load in ``unit``, to 4 decimals (exact whenever plates and unit agree)."""
        return (Decimal(self.achieved_units) / UNIT_SIZE[unit]).quantize(Decimal("0.0001"))

    def achieved_text(self, unit: str) -> str:
        """achieved_in(unit) as shown: '142.5', '99.3787'."""
        return plain(self.achieved_in(unit))


@dataclass(frozen=True)
class PlateAnswer:
    """``exact``: the target is made exactly by ``best``. Otherwise ``best`` is the nearer of
    ``below`` (heaviest load under the target) and ``above`` (lightest over it, None when
    the plates run out); equally near goes to the lighter."""

    target_units: int
    exact: bool
    best: Loading
    below: Loading | None
    above: Loading | None


def to_units(value, unit: str) -> int:
    """``value`` (Decimal, int or str) in ``unit`` as an exact integer number of UNITS.
    Raises PlateError for a non-number, a negative, or a weight finer than a unit."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise PlateError(f"{value!r} is not a number.") from None
    if unit not in UNIT_SIZE:
        raise PlateError(f"Unit must be kg or lb, not {unit!r}.")
    if not amount.is_finite() or amount < 0:
        raise PlateError("Weights can't be negative.")
    scaled = amount * UNIT_SIZE[unit]
    if scaled != scaled.to_integral_value():
        raise PlateError(f"{value} {unit} has more decimals than any plate.")
    return int(scaled)


def inventory(pairs: dict, unit: str) -> list[tuple[Plate, int]]:
    """Parse {denomination: pairs} (strings or numbers) in ``unit`` into (Plate, pairs),
    heaviest first, zero-pair entries dropped. Raises PlateError for bad entries."""
    parsed = []
    for denomination, count in pairs.items():
        try:
            weight = Decimal(str(denomination))
            count = int(count)
        except (InvalidOperation, ValueError, TypeError):
            raise PlateError(
                f"Plate '{denomination}': enter a weight and a number of pairs."
            ) from None
        if not weight.is_finite() or weight <= 0 or weight > MAX_KG:
            raise PlateError(f"Plate '{denomination}' is not a plate weight.")
        if not 0 <= count <= MAX_PAIRS:
            raise PlateError(f"Plate {denomination}: 0 to {MAX_PAIRS} pairs.")
        if count:
            plate = Plate(weight.normalize(), unit)
            plate.units  # noqa: B018 - validates the decimals
            parsed.append((plate, count))
    return sorted(parsed, key=lambda item: item[0].units, reverse=True)


# Drawn to scale: competition discs of 20 kg and up are 450 mm across; change plates shrink.
# Size classes by the plate's weight in kg (thresholds shared with static/js/app.js).
SIZES = (
    (Decimal("22.5"), "xl"),
    (Decimal(19), "l"),
    (Decimal(14), "m"),
    (Decimal(9), "s"),
    (Decimal(4), "xs"),
    (Decimal(2), "xxs"),
)


def plate_look(plate: Plate) -> tuple[str, str]:
    """(size class, colour) to draw ``plate``: IPF colours for kg discs, iron for lb."""
    kg = Decimal(plate.units) / UNITS_PER_KG
    size = next((name for limit, name in SIZES if kg >= limit), "tiny")
    colour = IPF_COLOURS.get(plate.label, "iron") if plate.unit == "kg" else "iron"
    return size, colour


def _better(a: tuple[Plate, ...], b: tuple[Plate, ...]) -> bool:
    """True when per-side list ``a`` beats ``b`` for the same load: fewer plates, then the
    heavier plate at the first difference (lists are heaviest first)."""
    if len(a) != len(b):
        return len(a) < len(b)
    for x, y in zip(a, b, strict=True):
        if x.units != y.units:
            return x.units > y.units
    return False


def reachable(plates: list[tuple[Plate, int]]) -> dict[int, tuple[Plate, ...]]:
    """Every per-side sum (UNITS) the inventory makes, each with its best combination.
    Denominations are added heaviest first, so each list stays heaviest-first and keeping
    only the best list per sum is exact (an extension never reorders two prefixes)."""
    best: dict[int, tuple[Plate, ...]] = {0: ()}
    for plate, pairs in plates:
        grown = dict(best)
        for total, chosen in best.items():
            for count in range(1, pairs + 1):
                key = total + count * plate.units
                candidate = chosen + (plate,) * count
                if key not in grown or _better(candidate, grown[key]):
                    grown[key] = candidate
        best = grown
    return best


def load(target, unit: str, bar, collar, plates: list[tuple[Plate, int]]) -> PlateAnswer:
    """The plates per side for ``target`` (in ``unit``) on a ``bar`` with two collars of
    ``collar`` each (both in ``unit``) from ``plates`` (see inventory).

    Raises PlateError for bad numbers, a target above MAX_KG, or a target lighter than the
    bar with its collars.
    """
    target_units = to_units(target, unit)
    fixed = to_units(bar, unit) + 2 * to_units(collar, unit)
    if target_units > MAX_KG * UNITS_PER_KG:
        raise PlateError(f"{target} {unit} is more than anyone has lifted.")
    if target_units < fixed:
        raise PlateError("The target is lighter than the bar and collars.")
    sums = reachable(plates)
    needed = target_units - fixed  # for both sides
    if needed % 2 == 0 and needed // 2 in sums:
        exact = Loading(target_units, sums[needed // 2])
        return PlateAnswer(target_units, True, exact, None, None)
    under = max((s for s in sums if 2 * s < needed), default=None)
    over = min((s for s in sums if 2 * s > needed), default=None)
    below = Loading(fixed + 2 * under, sums[under]) if under is not None else None
    above = Loading(fixed + 2 * over, sums[over]) if over is not None else None
    if above is None or (
        below is not None
        and target_units - below.achieved_units <= above.achieved_units - target_units
    ):
        best = below
    else:
        best = above
    return PlateAnswer(target_units, False, best, below, above)
