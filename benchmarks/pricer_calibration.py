"""Benchmark: calibrations of the ensemble's blend, scored by nested CV on saved out-of-fold estimates.

    .venv/bin/python benchmarks/pricer_cv.py --extra ../shared/data/pricer/train_extra.jsonl \
        --models tfidf,knn,boosting --oof oof.npz
    .venv/bin/python benchmarks/pricer_calibration.py --oof oof.npz --members tfidf,knn,boosting

For each fold, the median blend and then the calibration are fitted on the other folds' out-of-fold estimates and
applied to this fold (no row ever scores a map fitted on itself). Columns: mean error in $, RMSLE, hit rate, and
the mean error and mean signed error (estimate - truth) of the items above $400, the tail that regresses to the
mean, beside the error of the rest.
"""

from __future__ import annotations

import argparse

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--oof", required=True, help=".npz written by pricer_cv.py --oof; several (same data and seed) comma-separated"
    )
    parser.add_argument("--members", default=None, help="comma-separated columns to blend (default: all)")
    parser.add_argument("--dear", type=float, default=400.0, help="the tail: items priced above this")
    args = parser.parse_args()

    from llmworks.apps.pricer.calibration import TailCalibration
    from llmworks.apps.pricer.ensemble import blend_logs, median_blend

    files = [np.load(path) for path in args.oof.split(",")]
    names = [str(m) for saved in files for m in saved["models"]]
    members = args.members.split(",") if args.members else names
    columns = [names.index(m) for m in members]
    prices, fold_of = files[0]["prices"], files[0]["fold"]
    if any(not np.array_equal(f["prices"], prices) or not np.array_equal(f["fold"], fold_of) for f in files):
        raise SystemExit("the --oof files come from different items or folds")
    oof = np.hstack([f["oof"] for f in files])[:, columns]
    logs, y = np.log1p(np.nan_to_num(oof, nan=np.nanmedian(oof))), np.log1p(prices)

    def isotonic():
        from sklearn.isotonic import IsotonicRegression

        model = IsotonicRegression(out_of_bounds="clip")
        return lambda b, t, w: (model.fit(b, t, sample_weight=w), model.predict)[1]

    def tail(**options):
        return lambda b, t, w: TailCalibration(**options).fit(b, t, w)

    candidates = {
        "median blend, uncalibrated": (0.0, None),
        "blend weighted by price^0.5": (0.5, None),
        "blend weighted by price": (1.0, None),
        "+ one slope (linear, L1)": (0.0, tail(knots=())),
        "+ isotonic (L2)": (0.0, isotonic()),
        "+ tail slopes $30/$100/$300": (0.0, tail()),
        "+ tail slopes, rows by price^0.5": (0.0, tail(power=0.5)),
        "+ tail slopes, rows by price": (0.0, tail(power=1.0)),
        "+ tail slopes $100/$300 by price^0.5": (0.0, tail(knots=(100.0, 300.0), power=0.5)),
    }
    dear = prices > args.dear
    print(f"{len(prices)} items, {dear.sum()} above ${args.dear:.0f}; members {', '.join(members)}\n")
    tail = f"${args.dear:.0f}"
    print(f"| blend | error $ | RMSLE | hits | error > {tail} | bias > {tail} | error ≤ {tail} |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, (power, calibration) in candidates.items():
        estimate = np.zeros(len(prices))
        for fold in np.unique(fold_of):
            rest, held = fold_of != fold, fold_of == fold
            w = prices[rest] ** power
            coef, intercept = median_blend(logs[rest], y[rest], w / w.mean())
            blended = blend_logs(logs, coef, intercept)
            out = blended[held]
            if calibration is not None:
                out = calibration(blended[rest], y[rest], np.ones(rest.sum()))(out)
            estimate[held] = np.expm1(np.clip(out, np.log1p(0.5), np.log1p(999.0)))
        error = np.abs(estimate - prices)
        hits = (error < 40) | (error < 0.2 * prices)
        rmsle = np.sqrt(np.mean((np.log1p(estimate) - y) ** 2))
        print(
            f"| {label} | {error.mean():.2f} | {rmsle:.3f} | {hits.mean():.1%} | {error[dear].mean():.1f} | "
            f"{(estimate - prices)[dear].mean():+.1f} | {error[~dear].mean():.1f} |"
        )


if __name__ == "__main__":
    main()
