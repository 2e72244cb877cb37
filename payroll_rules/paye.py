"""Income tax (PAYE) by HMRC's "Specification for PAYE Tax Table Routines" (v24.0).

All arithmetic is exact integer arithmetic in pence (or whole pounds where the spec rounds to
pounds); rates are whole basis points. Steps:

1. Free pay for period 1 ("Tables A"): q = (code - 1) div 500, r = ((code - 1) mod 500) + 1;
   free pay = round UP to the penny of (r x 10 + 9) / 52 (weeks) or / 12 (months), plus q blocks
   of £96.16 (weekly) or £416.67 (monthly). Cumulatively it is multiplied by the period number n.
   For K codes the same figure is "additional pay", added to pay instead of taken off.
2. Taxable pay to date = pay to date - free pay to date (or + additional pay), rounded DOWN to £.
3. Band limits are pro-rated, c_i = L_i x n / N (N = 52 or 12) and compared rounded UP to £;
   tax to date = k_(i-1) + (T - c_(i-1)) x R_i, rounded DOWN to the penny (Scottish working is
   to 4 decimal places, truncating, band by band: see band_table).
4. Tax this period = tax to date - tax already deducted (a negative figure is a refund), but never
   more than 50% of this period's pay (the overriding regulatory limit, all codes).
W1/M1/X codes and the extra week 53/54/56 pay day are non-cumulative: the payment is taxed on its
own as period n = 1 (weekly / monthly), 2 (fortnightly) or 4 (four-weekly), never refunding.
Fortnightly and four-weekly payrolls use the weekly tables with n = tax week (2 x or 4 x period).
"""

from __future__ import annotations

from functools import lru_cache

from .calendar import PERIODS_PER_YEAR, WEEKS_PER_PERIOD
from .errors import PayrollInputError
from .params import Region, YearParams, year_params
from .taxcode import TaxCode

# Indices into the working tuple returned by income_tax()
W_CUMULATIVE, W_N, W_NN, W_FREE, W_TAXABLE, W_TAX_TO_DATE, W_LIMITED, W_LIMIT, W_RATE = range(9)


@lru_cache(maxsize=8192)
def free_pay_period_one(code_number: int, weekly: bool, block_pence: int) -> int:
    """Tables A free pay (or K-code additional pay) in pence for week 1 or month 1."""
    if code_number <= 0:
        return 0
    q, r = divmod(code_number - 1, 500)
    r += 1
    divisor = 52 if weekly else 12
    return -(-(r * 10 + 9) * 100 // divisor) + q * block_pence


@lru_cache(maxsize=4096)
def band_table(tax_year: int, region_key: str, big_n: int, n: int) -> tuple[tuple[int, ...], ...]:
    """Pro-rated band rows for period n of N (cached): (v_i or -1 for top, k_(i-1), c_(i-1), R_i).

    c_i = L_i x n / N (L_i: cumulative annual band limit), k_i = tax at the top of band i,
    v_i = c_i rounded UP to whole pounds (taxable pay T is in band i if T <= v_i). Amounts are
    integers in units of £0.0001 / N; rates in basis points. The region's ``band_arithmetic``
    (data/income_tax.toml) chooses how c and k are formed:

    * "exact": c_i and k_i = K_i x n / N exactly (K_i: cumulative annual band tax).
    * "truncated_4dp": c_i truncated to 4 decimal places and k_i = k_(i-1) + (c_i - c_(i-1)) x R_i
      truncated to 4 decimal places, band by band.
    """
    region = year_params(tax_year).regions[region_key]
    exact = region.band_arithmetic == "exact"
    rows = []
    cum_limit = 0
    c_prev = 0  # exact: units of 0.0001/N pound; truncated: units of 0.0001 pound
    k_prev = 0
    for band in region.bands:
        if band.width is None:
            scale = 1 if exact else big_n
            rows.append((-1, k_prev * scale, c_prev * scale, band.rate_bp))
            break
        cum_limit += band.width
        scale = 1 if exact else big_n
        if exact:
            c = cum_limit * n * 10000
            k = k_prev + (c - c_prev) * band.rate_bp // 10000  # exact: divisible
            v = -(-c // (10000 * big_n))
        else:
            c = cum_limit * n * 10000 // big_n
            k = k_prev + (c - c_prev) * band.rate_bp // 10000
            v = -(-c // 10000)
        rows.append((v, k_prev * scale, c_prev * scale, band.rate_bp))
        k_prev, c_prev = k, c
    return tuple(rows)


def banded_tax(tax_year: int, region_key: str, big_n: int, n: int, taxable: int) -> int:
    """Tax in pence on whole-pound taxable pay ``taxable`` for period n of N (rounded down)."""
    if taxable <= 0:
        return 0
    for v, k_prev, c_prev, rate in band_table(tax_year, region_key, big_n, n):
        if v < 0 or taxable <= v:
            t = taxable * 10000 * big_n
            return (k_prev + (t - c_prev) * rate // 10000) // (100 * big_n)
    raise AssertionError("unreachable: the top band has no limit")


def single_rate(region: Region, code: TaxCode) -> int:
    """Rate in basis points for BR and D codes (BR = basic band, D0 = the band above, ...)."""
    idx = region.basic_index + (0 if code.kind == "BR" else code.d_index + 1)
    if idx >= len(region.bands):
        raise PayrollInputError(
            f"Tax code {code.text} does not exist for {region.name}: there is no band for it."
        )
    return region.bands[idx].rate_bp


def income_tax(
    yp: YearParams,
    code: TaxCode,
    frequency: str,
    period: int,
    pay: int,
    prev_pay: int,
    prev_tax: int,
) -> tuple[int, tuple[object, ...]]:
    """Tax (pence, negative = refund) for one period, and the working used by explain()."""
    span = WEEKS_PER_PERIOD[frequency]
    weekly = span != 0
    big_n = 52 if weekly else 12
    extra_pay_day = period > PERIODS_PER_YEAR[frequency]
    cumulative = code.cumulative and not extra_pay_day
    if weekly:
        n = period * span if cumulative else span
    else:
        n = period if cumulative else 1
    basis = prev_pay + pay if cumulative else pay
    kind = code.kind
    free = 0
    rate = 0
    if kind == "NT":
        taxable = 0
        to_date = 0
    elif kind == "L" or kind == "K":
        region_key = code.region
        one = free_pay_period_one(code.number, weekly, yp.block_pence["weekly" if weekly else "monthly"])
        free = one * n
        amount = basis - free if kind == "L" else basis + free
        taxable = amount // 100 if amount > 0 else 0
        to_date = banded_tax(yp.tax_year, region_key, big_n, n, taxable)
    else:
        rate = single_rate(yp.regions[code.region], code)
        taxable = basis // 100 if basis > 0 else 0
        to_date = taxable * rate // 100
    tax = to_date - prev_tax if cumulative else to_date
    limit = pay * yp.regulatory_limit_bp // 10000
    limited = tax > limit
    if limited:
        tax = limit
    return tax, (cumulative, n, big_n, free, taxable, to_date, limited, limit, rate)
