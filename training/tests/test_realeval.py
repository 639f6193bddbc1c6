"""Real-pair evaluation measures (eo2sar_train.realeval) behave as documented."""
from __future__ import annotations

import numpy as np

from eo2sar_train import realeval


def test_checker_measure_flags_a_checkerboard_not_speckle():
    rng = np.random.default_rng(0)
    speckle = [10 * np.log10(rng.gamma(4.0, 0.25, (120, 120))) for _ in range(4)]
    yy, xx = np.mgrid[:120, :120]
    checker = [s + 2.0 * (((yy // 2) + (xx // 2)) % 2) for s in speckle]   # period-4 pattern, 2 dB
    assert realeval.checker_energy(speckle) < 3
    assert realeval.checker_energy(checker) > 20 * realeval.checker_energy(speckle)


def test_pearson_best_shift_recovers_a_shifted_copy():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(60, 60))
    shifted = np.roll(a, (1, -2), axis=(0, 1))
    assert realeval.pearson_best_shift(shifted, a) > 0.99
    assert realeval.pearson_best_shift(rng.normal(size=(60, 60)), a) < 0.2


def test_baselines_and_reference_on_the_real_test_split():
    from eo2sar_train import realdata

    index = realdata.load_index()
    train = [realdata.load_pair(r) for r in index if r["split"] == "train"]
    test = [(r, *realdata.load_pair(r)) for r in index if r["split"] == "test"]
    rows = {r["model"]: r for r in realeval.evaluate(realeval.fit_baselines(train, [0, 1, 2, 3]), test)}
    ref = rows["real VV (reference)"]
    assert ref["r_ml"] > 0.999 and ref["w1_db"] == 0 and abs(ref["checker"] - 1) < 1e-9
    assert ref["water_land_db"] > 5          # real VV: water several dB darker than land
    assert rows["constant"]["water_land_db"] == 0
    assert rows["linreg"]["r_ml"] > rows["constant"]["r_ml"]


def test_water_is_dark_in_nir_relative_to_its_patch():
    eo = np.full((4, 40, 40), 2000, np.uint16)          # vegetated land: nir 3000, red 300
    eo[0], eo[3] = 300, 3000
    eo[:, :10, :10] = 150                                # a humic lake: dark everywhere, NDWI about 0
    water, land = realeval.water_land_masks(eo)
    assert water[:10, :10].all() and water.sum() == 100
    assert land.sum() == 1500 and not (land & water).any()
    winter = np.full((4, 40, 40), 500, np.uint16)        # a uniformly dark winter field is not water
    assert not realeval.water_land_masks(winter)[0].any()
