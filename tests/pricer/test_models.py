"""Every offline pricer: fits, beats the constant baseline on held-out items, survives save/load."""

from __future__ import annotations

import pytest

from llmworks.apps.pricer import PricerError, evaluate, load_pricer, make_pricer
from llmworks.apps.pricer.items import Item
from llmworks.apps.pricer.splits import holdout_split, price_band, weighted_extras

TEXT_MODELS = ["features", "bow", "tfidf", "word2vec", "svr", "forest", "boosting", "knn", "embed-svr"]


@pytest.fixture
def split(items):
    return holdout_split(items, 40, seed=1)


def test_baselines(split):
    train, test = split
    random_error = evaluate(make_pricer("random"), test).error
    constant = make_pricer("constant").fit(train)
    prices = sorted(i.price for i in train)
    assert prices[0] <= constant.price_ <= prices[-1]
    assert abs(sum(i.price > constant.price_ for i in train) - len(train) / 2) <= 2  # the median
    assert evaluate(constant, test).error < random_error


@pytest.mark.parametrize("name", TEXT_MODELS)
def test_text_models_learn_and_reload(name, split, tmp_path, fake_embed):
    train, test = split
    constant_error = evaluate(make_pricer("constant").fit(train), test).error
    pricer = make_pricer(name).fit(train)
    estimates = pricer.predict(test)
    report = evaluate(pricer, test)
    # the synthetic prices follow the product noun and brand: every model must beat the median clearly
    assert report.error < 0.8 * constant_error, report.summary()
    pricer.save(tmp_path / name)
    assert load_pricer(tmp_path / name).predict(test) == pytest.approx(estimates)


def test_ensemble_blends_members_out_of_fold(split, fake_embed):
    train, test = split
    ensemble = make_pricer("ensemble", members=["constant", "tfidf", "knn"], folds=3).fit(train)
    blend = ensemble.blend
    assert all(blend[m] >= 0 for m in ["constant", "tfidf", "knn"])
    assert blend["tfidf"] + blend["knn"] > blend["constant"]  # the informative members carry the weight
    members = ensemble.member_estimates(test[:3])
    assert set(members) == {"constant", "tfidf", "knn"}
    assert ensemble.combine(members) == pytest.approx(ensemble.predict(test[:3]))
    assert evaluate(ensemble, test).error < evaluate(make_pricer("constant").fit(train), test).error * 0.8


def test_weights_are_honoured(split):
    train, _ = split
    heavy = [Item(i.title, 999.0, i.text, i.category, i.details, {"weight": 100.0}) for i in train[:5]]
    light = make_pricer("constant").fit(train + [Item(i.title, 999.0, i.text, meta={"weight": 0.0}) for i in train])
    assert make_pricer("constant").fit(train + heavy).price_ == 999.0
    assert light.price_ == make_pricer("constant").fit(train).price_


def test_weighted_extras_match_the_reference_price_mix():
    reference = [Item(f"r{k}", 200.0 + k, "r", "Automotive") for k in range(50)]
    extras = [Item(f"c{k}", 5.0, "c", None, meta={"format": "orig"}) for k in range(90)]
    extras += [Item(f"d{k}", 210.0, "d", "Automotive", meta={"format": "orig"}) for k in range(10)]
    extras += [
        Item("s", 210.0, "s", "Software", meta={"format": "orig"}),
        Item("z", 210.0, "z", "Automotive", meta={"format": "raw_fields"}),
    ]
    kept = weighted_extras(extras, reference, scale=0.5)
    assert {i.title for i in kept} >= {"c0", "d0"} and not {"s", "z"} & {i.title for i in kept}
    cheap, dear = kept[0].meta["weight"], kept[-1].meta["weight"]
    assert dear > 5 * cheap  # rows in the reference's price band count far more
    assert sum(i.meta["weight"] for i in kept) / len(kept) == pytest.approx(0.5)
    assert price_band(5.0) < price_band(210.0)


def test_unknown_pricer_suggests_a_name():
    with pytest.raises(PricerError, match="Did you mean 'tfidf'"):
        make_pricer("tfidff")
    with pytest.raises(PricerError, match="Bad option"):
        make_pricer("knn", nonsense=1)


def test_missing_saved_pricer(tmp_path):
    with pytest.raises(PricerError, match="llmworks pricer train"):
        load_pricer(tmp_path / "nothing")


def test_median_blend_recovers_weights_and_ignores_outliers():
    import numpy as np

    from llmworks.apps.pricer.ensemble import median_blend

    rng = np.random.default_rng(0)
    x = rng.normal(4, 1, size=(200, 3))
    y = 0.7 * x[:, 0] + 0.3 * x[:, 1] + 0.5
    y[:20] += 50  # a tenth of the rows wildly off: a least-squares blend would chase them, a median one does not
    x[:, 2] = -x[:, 0]  # only useful with a negative weight, which the blend may not take
    coef, intercept = median_blend(x, y, np.ones(len(y)))
    assert coef == pytest.approx([0.7, 0.3, 0.0], abs=1e-6) and intercept == pytest.approx(0.5, abs=1e-6)
    _, intercept = median_blend(x, y, np.r_[np.full(20, 1000.0), np.ones(180)])  # row weights count: now they rule
    assert intercept == pytest.approx(50.5, abs=1e-6)


def test_features_of_an_item_without_details_read_as_average(items):
    from llmworks.apps.pricer.baselines import FeatureEncoder

    encoder = FeatureEncoder().fit(items)
    bare = Item("Fender guitar amplifier", 300.0, "Fender guitar amplifier, 40 watts")
    row = dict(zip(encoder.feature_names_, encoder.transform([bare])[0]))
    known = [dict(zip(encoder.feature_names_, r)) for r in encoder.transform(items)]
    assert row["has_weight"] == 0.0 and row["log_weight"] == pytest.approx(
        sum(r["log_weight"] for r in known) / len(known)
    )


def test_an_ensemble_saved_by_an_older_version_asks_to_be_retrained():
    old = make_pricer("ensemble", members=["constant"])
    old.fitted_, old.fallback_ = [], 4.0  # fitted, but with the old stacker's attributes instead of coef_
    with pytest.raises(PricerError, match="train it again"):
        old.combine({"constant": [100.0]})


def test_ensemble_tail_calibration_is_an_option_and_is_saved(split, fake_embed, tmp_path):
    train, test = split
    members = ["constant", "tfidf"]
    plain = make_pricer("ensemble", members=members, folds=3).fit(train)
    tail = make_pricer("ensemble", members=members, folds=3, tail_power=0.5).fit(train)
    assert plain.calibration_ is None and tail.calibration_ is not None
    assert tail.predict(test) != pytest.approx(plain.predict(test))  # the map moves the estimates
    tail.save(tmp_path / "tail")
    assert load_pricer(tmp_path / "tail").predict(test) == pytest.approx(tail.predict(test))
    del plain.calibration_, plain.tail_power  # an ensemble pickled before calibration still prices and saves
    plain.save(tmp_path / "old")
    assert plain.predict(test[:2]) == pytest.approx(
        make_pricer("ensemble", members=members, folds=3).fit(train).predict(test[:2])
    )
