/* The plate calculator in the browser: the same algorithm as app/domain/plates.py (see its
   docstring), so it answers offline and instantly. Weights are exact integers of 10^-10 kg
   ("units"); 1 lb = 0.45359237 kg exactly. Both implementations are tested against
   tests/vectors/plates.json. Loaded in pages (window.MeetdayPlates) and in Node (require). */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.MeetdayPlates = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var UNIT_SIZE = { kg: 10000000000n, lb: 4535923700n };
  var MAX_PAIRS = 20;
  var MAX_KG = 1500n;

  function PlateError(message) { this.name = "PlateError"; this.message = message; }
  PlateError.prototype = Object.create(Error.prototype);

  // "142.5" in "kg" -> 1425000000000 (a Number: at most 1.5e13, well within 2^53)
  function toUnits(value, unit) {
    var text = String(value).trim();
    if (!UNIT_SIZE[unit]) throw new PlateError("Unit must be kg or lb, not " + unit + ".");
    var match = /^(\d*)(?:[.,](\d*))?$/.exec(text);
    if (!match || (match[1] === "" && !match[2])) throw new PlateError(text + " is not a number.");
    var fraction = match[2] || "";
    var scaled = BigInt((match[1] || "0") + fraction) * UNIT_SIZE[unit];
    var divisor = 10n ** BigInt(fraction.length);
    if (scaled % divisor !== 0n) throw new PlateError(text + " " + unit + " has more decimals than any plate.");
    return Number(scaled / divisor);
  }

  function inventory(pairs, unit) {
    var parsed = [];
    Object.keys(pairs).forEach(function (denomination) {
      var count = Number(pairs[denomination]);
      if (!Number.isInteger(count) || count < 0 || count > MAX_PAIRS) {
        throw new PlateError("Plate " + denomination + ": 0 to " + MAX_PAIRS + " pairs.");
      }
      var units = toUnits(denomination, unit);
      if (units <= 0 || BigInt(units) > MAX_KG * UNIT_SIZE.kg) throw new PlateError("Plate '" + denomination + "' is not a plate weight.");
      if (count) parsed.push({ weight: normal(denomination), unit: unit, units: units, pairs: count });
    });
    return parsed.sort(function (a, b) { return b.units - a.units; });
  }

  function normal(text) {  // "2.50" -> "2.5", "20.0" -> "20"
    var s = String(text).trim().replace(",", ".");
    if (s.indexOf(".") >= 0) s = s.replace(/0+$/, "").replace(/\.$/, "");
    return s.replace(/^0+(?=\d)/, "");
  }

  function better(a, b) {  // fewer plates, then the heavier plate at the first difference
    if (a.length !== b.length) return a.length < b.length;
    for (var i = 0; i < a.length; i++) {
      if (a[i].units !== b[i].units) return a[i].units > b[i].units;
    }
    return false;
  }

  function reachable(plates) {
    var best = new Map([[0, []]]);
    plates.forEach(function (plate) {
      var grown = new Map(best);
      best.forEach(function (chosen, total) {
        var candidate = chosen;
        for (var count = 1; count <= plate.pairs; count++) {
          var key = total + count * plate.units;
          candidate = candidate.concat([plate]);
          var held = grown.get(key);
          if (held === undefined || better(candidate, held)) grown.set(key, candidate);
        }
      });
      best = grown;
    });
    return best;
  }

  function load(target, unit, bar, collar, plates) {
    var targetUnits = toUnits(target, unit);
    var fixed = toUnits(bar, unit) + 2 * toUnits(collar, unit);
    if (BigInt(targetUnits) > MAX_KG * UNIT_SIZE.kg) throw new PlateError(target + " " + unit + " is more than anyone has lifted.");
    if (targetUnits < fixed) throw new PlateError("The target is lighter than the bar and collars.");
    var sums = reachable(plates);
    var needed = targetUnits - fixed;
    if (needed % 2 === 0 && sums.has(needed / 2)) {
      var exact = { achievedUnits: targetUnits, perSide: sums.get(needed / 2) };
      return { targetUnits: targetUnits, exact: true, best: exact, below: null, above: null };
    }
    var under = null, over = null;
    sums.forEach(function (_, s) {
      if (2 * s < needed && (under === null || s > under)) under = s;
      if (2 * s > needed && (over === null || s < over)) over = s;
    });
    var below = under === null ? null : { achievedUnits: fixed + 2 * under, perSide: sums.get(under) };
    var above = over === null ? null : { achievedUnits: fixed + 2 * over, perSide: sums.get(over) };
    var best = above === null || (below !== null &&
      targetUnits - below.achievedUnits <= above.achievedUnits - targetUnits) ? below : above;
    return { targetUnits: targetUnits, exact: false, best: best, below: below, above: above };
  }

  // units -> a decimal string in kg or lb to 4 decimals, half up (as the server's achieved_in)
  function format(units, unit) {
    var value = BigInt(units), whole, frac;
    var size = UNIT_SIZE[unit];  // to 4 decimals, half up, as the server shows it
    var tenThousandths = (value * 10000n * 2n + size) / (2n * size);
    whole = tenThousandths / 10000n;
    frac = String(tenThousandths % 10000n).padStart(4, "0");
    frac = frac.replace(/0+$/, "");
    return frac ? whole + "." + frac : String(whole);
  }

  // units -> the exact load in kg as a decimal string (units are 10^-10 kg)
  function exactKg(units) {
    var value = BigInt(units), frac = String(value % 10000000000n).padStart(10, "0").replace(/0+$/, "");
    return frac ? (value / 10000000000n) + "." + frac : String(value / 10000000000n);
  }

  return { exactKg: exactKg, toUnits: toUnits, inventory: inventory, reachable: reachable, load: load, format: format, PlateError: PlateError };
});
