"""The baseline of `cordial bench value`: the same fit and scoring with the Python
`lifetimes` package (0.11.3), reading the same store file.

Reads every purchase up to --until from the SQLite store, summarises it with lifetimes'
own `summary_data_from_transaction_data` (purchase days, times in the chosen unit, mean
repeat value), fits BetaGeoFitter and GammaGammaFitter, scores every customer (RFM
quintiles, P(alive), expected purchases and spend over the horizon, lifetime value) and
prints the timings and parameters as one JSON line. Writes nothing back.
"""
import argparse
import json
import resource
import sqlite3
import time

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--until", required=True)
    parser.add_argument("--unit", choices=["day", "week"], default="week")
    parser.add_argument("--horizon", type=int, default=12, help="months")
    parser.add_argument("--discount", type=float, default=0.1, help="a year")
    args = parser.parse_args()
    days_per_unit = 7 if args.unit == "week" else 1
    until = pd.Timestamp(args.until)
    next_day = (until + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    clock = time.perf_counter()
    times = {}

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        times[name] = now - clock
        clock = now

    with sqlite3.connect(args.db) as connection:
        purchases = pd.read_sql_query(
            "SELECT p.customerId AS customer, substr(p.time, 1, 10) AS date, CAST(p.amount AS REAL) AS amount "
            "FROM purchase p JOIN customer c ON c.id = p.customerId "
            "WHERE c.forgottenAt IS NULL AND p.time < ?",
            connection, params=[next_day])
    purchases["date"] = pd.to_datetime(purchases["date"], format="%Y-%m-%d")
    lap("read")

    summary = summary_data_from_transaction_data(
        purchases, "customer", "date", monetary_value_col="amount", observation_period_end=until,
        freq="D", freq_multiplier=days_per_unit)
    totals = purchases.groupby("customer")["amount"].agg(["count", "sum"])
    last = purchases.groupby("customer")["date"].max()
    lap("summarise")

    bgf = BetaGeoFitter()
    bgf.fit(summary["frequency"], summary["recency"], summary["T"])
    repeaters = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    ggf = GammaGammaFitter()
    ggf.fit(repeaters["frequency"], repeaters["monetary_value"])
    lap("fit")

    # RFM quintile scores (nearest-rank cut points), then the model scores.
    def quintile_scores(values, higher_is_better=True):
        ordered = np.sort(values)
        n = len(ordered)
        cuts = [ordered[max(0, (n * k + 4) // 5 - 1)] for k in range(1, 5)]
        above = sum((values > c).astype(int) for c in cuts)
        return 1 + above if higher_is_better else 5 - above

    days_since = (until - last).dt.days.to_numpy()
    rfm = (quintile_scores(days_since, higher_is_better=False) * 100
           + quintile_scores(totals["count"].to_numpy()) * 10 + quintile_scores(totals["sum"].to_numpy()))
    horizon_units = args.horizon * 365.25 / 12 / days_per_unit
    f, r, t = summary["frequency"], summary["recency"], summary["T"]
    p_alive = bgf.conditional_probability_alive(f, r, t)
    expected = bgf.conditional_expected_number_of_purchases_up_to_time(horizon_units, f, r, t)
    spend = ggf.conditional_expected_average_profit(f, summary["monetary_value"])
    clv = ggf.customer_lifetime_value(
        bgf, f, r, t, summary["monetary_value"], time=args.horizon,
        discount_rate=(1 + args.discount) ** (1 / 12) - 1, freq="W" if args.unit == "week" else "D")
    lap("score")

    print(json.dumps({
        "customers": int(len(summary)),
        "times": times,
        "total": sum(times.values()),
        "peakMemoryMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "bgnbd": {k: float(v) for k, v in bgf.params_.items()},
        "gammagamma": {k: float(v) for k, v in ggf.params_.items()},
        "checks": {"rfm_cells": int(len(np.unique(rfm))), "p_alive_mean": float(np.mean(p_alive)),
                   "expected_mean": float(np.mean(expected)), "spend_mean": float(np.mean(spend)),
                   "clv_sum": float(np.sum(clv))},
    }))


if __name__ == "__main__":
    main()
