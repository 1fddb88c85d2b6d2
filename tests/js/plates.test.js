// The shared plate vectors against the browser's implementation (node --test).
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const plates = require(path.join(__dirname, "../../app/static/js/plates.js"));
const vectors = require(path.join(__dirname, "../vectors/plates.json"));

function loading(found) {
  return found && {
    achieved_kg: plates.exactKg(found.achievedUnits),
    per_side: found.perSide.map((p) => p.weight),
  };
}

for (const c of vectors.cases) {
  test(c.name, () => {
    const run = () => plates.load(c.target, c.unit, c.bar, c.collar, plates.inventory(c.plates, c.plate_unit));
    if (c.expect.error) {
      assert.throws(run, plates.PlateError);
      return;
    }
    const answer = run();
    assert.equal(answer.exact, c.expect.exact);
    assert.deepEqual(loading(answer.best), { achieved_kg: c.expect.achieved_kg, per_side: c.expect.per_side });
    assert.deepEqual(loading(answer.below), c.expect.below);
    assert.deepEqual(loading(answer.above), c.expect.above);
  });
}

test("exact conversion: 1 lb is 0.45359237 kg", () => {
  assert.equal(plates.toUnits("45", "lb"), 204116566500);  // 20.41165665 kg in 1e-10 kg
  assert.equal(plates.format(plates.toUnits("317.5", "lb"), "lb"), "317.5");
  // shown to 4 decimals like the server: 100 lb = 45.359237 kg
  assert.equal(plates.format(plates.toUnits("100", "lb"), "kg"), "45.3592");
  assert.throws(() => plates.toUnits("abc", "kg"), plates.PlateError);
});
