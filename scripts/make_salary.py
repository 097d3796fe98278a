"""Write ``sample_data/salary_panel.csv``: a synthetic salary panel built to the RNN course's first challenge.

    python scripts/make_salary.py [--out PATH]

The course's file is not public, so this is synthetic data made to its description: employees × 11
years × 3 features (salary in thousands, number of people the employee is responsible for, company
size in employees); the task is to predict year 11's salary from years 1-10. The same seed always
writes the same bytes (``tests/test_salary_data.py`` checks the bundled file against a fresh run).

How a salary moves (the mechanism a recurrent network can learn and "last year's salary" cannot):

* every employee has a pay level set by a personal factor, the size of their team (log, diminishing)
  and the size of their company (a mild premium for larger firms): ``level = base · team · company``;
* a salary catches up with its level *with a lag*: each year it closes ``CATCH_UP`` of the gap to the
  level of the year before, so a promotion (a jump in ``people_responsible``) is paid over the next
  few years, and a team taken away freezes raises until the level is reached again;
* on top: a general raise, a personal seniority trend that fades with the years, a raise budget that
  follows the company's growth (``company_size`` rising or falling over the year), and a little
  noise. Raises are never below -2 %: salaries are sticky downwards.

Values are rounded as a payroll file would be: salary to 0.1 k, people and company size to integers.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import numpy as np

SEED = 20240611
N_EMPLOYEES = 4000
N_YEARS = 11  # years 1-10 are the inputs, year 11 is the target
OUT = Path(__file__).resolve().parent.parent / "sample_data" / "salary_panel.csv"

INFLATION = 0.02  # general yearly raise
CATCH_UP = 0.35  # share of the gap to last year's pay level closed each year
TEAM_PREMIUM = 0.3  # level × (1 + TEAM_PREMIUM · ln(1 + people))
COMPANY_ELASTICITY = 0.05  # level × (company / 100) ** COMPANY_ELASTICITY
GROWTH_SHARE = 0.25  # raise budget follows the company's growth: + GROWTH_SHARE · Δ ln(company size)
NOISE = 0.008  # yearly idiosyncratic raise noise (relative)
MAX_TEAM = 250  # nobody is responsible for more people than this (nor for more than a third of the company)


def _teams(rng: np.random.Generator, n: int, years: int, company: np.ndarray) -> np.ndarray:
    """People each employee is responsible for, per year: promotions, re-organisations, lost teams."""
    team = np.zeros((n, years), dtype=np.int64)
    ambition = rng.uniform(0.02, 0.22, n)  # yearly chance of a promotion
    start = rng.random(n)
    team[:, 0] = np.where(
        start < 0.55, 0, np.where(start < 0.8, rng.integers(1, 6, n), rng.integers(5, 30, n))
    )
    for t in range(1, years):
        prev = team[:, t - 1].copy()
        u = rng.random(n)
        promoted = u < ambition
        grown = np.where(
            prev == 0,
            rng.integers(2, 7, n),
            np.round(prev * rng.uniform(1.4, 2.2, n)) + rng.integers(1, 4, n),
        )
        lost = (u > 0.96) & (prev > 0)  # a re-organisation takes part or all of the team away
        shrunk = np.where(rng.random(n) < 0.4, 0, np.round(prev * rng.uniform(0.3, 0.7, n)))
        drift = prev + np.where(
            (prev > 2) & (rng.random(n) < 0.3), rng.integers(-1, 2, n), 0
        )  # a hire, a leaver
        team[:, t] = np.where(promoted, grown, np.where(lost, shrunk, drift))
        team[:, t] = np.clip(team[:, t], 0, np.minimum(company[:, t] // 3, MAX_TEAM))
    return team


def _companies(rng: np.random.Generator, n: int, years: int) -> np.ndarray:
    """Company size (employees) per year: a starting size between 10 and 5,000 and a growth path of its own."""
    size0 = 10 ** rng.uniform(1.0, 3.7, n)
    trend = np.clip(rng.normal(0.03, 0.06, n), -0.10, 0.20)
    shocks = rng.normal(0.0, 0.05, (n, years - 1))
    log_size = np.log(size0)[:, None] + np.concatenate(
        [np.zeros((n, 1)), np.cumsum(trend[:, None] + shocks, axis=1)], axis=1
    )
    return np.maximum(np.round(np.exp(log_size)), 3).astype(np.int64)


def generate(seed: int = SEED, n: int = N_EMPLOYEES, years: int = N_YEARS) -> dict[str, np.ndarray]:
    """The panel as arrays ``(n, years)``: salary (k), people_responsible, company_size."""
    rng = np.random.default_rng(seed)
    company = _companies(rng, n, years)
    team = _teams(rng, n, years, company)
    base = 38.0 * np.exp(rng.normal(0.0, 0.2, n))  # personal factor (skills, field, city)
    seniority = rng.uniform(0.0, 0.06, n)  # personal real raise in year 1, fading over the years
    trend = (
        INFLATION + seniority[:, None] * 0.85 ** np.arange(years)[None, :]
    )  # the level's own yearly growth
    index = np.exp(np.cumsum(np.log1p(trend), axis=1) - np.log1p(trend[:, :1]))  # 1 in year 1
    level = (
        base[:, None]
        * index
        * (1.0 + TEAM_PREMIUM * np.log1p(team))
        * (company / 100.0) ** COMPANY_ELASTICITY
    )
    salary = np.empty((n, years))
    salary[:, 0] = level[:, 0] * np.exp(rng.normal(0.0, 0.06, n))  # some start under-, some over-paid
    growth = np.diff(np.log(company), axis=1)
    for t in range(1, years):
        gap = (level[:, t - 1] - salary[:, t - 1]) / salary[:, t - 1]
        raise_ = trend[:, t] + CATCH_UP * gap + GROWTH_SHARE * growth[:, t - 1] + rng.normal(0.0, NOISE, n)
        salary[:, t] = salary[:, t - 1] * (1.0 + np.maximum(raise_, -0.02))
    return {"salary": np.round(salary, 1), "people_responsible": team, "company_size": company}


def to_csv(panel: dict[str, np.ndarray]) -> str:
    """The long layout: one row per employee and year."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["employee", "year", "salary", "people_responsible", "company_size"])
    n, years = panel["salary"].shape
    for i in range(n):
        for t in range(years):
            writer.writerow(
                [f"E{i + 1:04d}", t + 1, f"{panel['salary'][i, t]:.1f}", int(panel["people_responsible"][i, t]),
                 int(panel["company_size"][i, t])]
            )  # fmt: skip
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = parser.parse_args(argv)
    args.out.write_text(to_csv(generate()), encoding="utf-8")
    print(f"wrote {args.out} ({N_EMPLOYEES} employees × {N_YEARS} years, seed {SEED})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
