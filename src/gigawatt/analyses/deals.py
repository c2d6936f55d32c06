"""Deal economics on top of an engine run: warrant vesting and value, vendor equity
investment, supplier revenue and EPS, buyer TCO and payback.

The engine gives deliveries by month; the warrant model (``model/warrant.py``) turns
deliveries and share-price paths (given, or simulated by GBM) into vesting months per path.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gigawatt.core.records import Record, frame, internal, optional, plain

from gigawatt.core.bounds import check
from gigawatt.core.i18n import t as _en  # the English of a string key (core.i18n.STRINGS)
from gigawatt.core.errors import GigawattError
from gigawatt.model import warrant as wm
from gigawatt.model.energy import HOURS_PER_MONTH
from gigawatt.engine.result import Result
from gigawatt.scenario.spec import Deal, Warrant
from gigawatt.core.timeline import month_index, month_label, quarter_label, sum_by_period


@dataclass(frozen=True)
class PriceOptions:
    """How share prices are produced: a given path, or ``samples`` simulated paths."""

    path: dict[str, float] | None = None
    samples: int = 100_000
    seed: int = 0
    spot_usd: float | None = None
    as_of: str | None = None
    volatility: float | None = None
    drift: float | str | None = None
    risk_free_rate: float | None = None


# ---------------------------------------------------------------------------------------------
# Typed results. ``to_dict()`` is the ``deal --json`` contract (see core/records.py).

@dataclass(frozen=True, eq=False)
class WarrantTrancheValue(Record):
    """One warrant tranche: its terms and how likely and when it vests."""

    shares: int
    gw_milestone: float
    products: list[str] | None
    price_hurdle: float
    assumed: bool
    prob_vest: float
    expected_vest_month: str | None
    gw_milestone_month: str | None


@dataclass(frozen=True, eq=False)
class WarrantValuation(Record):
    """A warrant vested against the deal's deliveries and valued (``deal --json`` ``deals[].warrant``)."""

    shares_total: int
    strike_usd: float
    issued: str
    expiry: str
    shares_outstanding: float
    stake_pct_pre: float
    stake_pct_post: float
    value_at_final_hurdle_usd: float
    intrinsic_at_spot_usd: float
    valuation_month: str
    spot_usd: float
    price_mode: str
    volatility: float | None
    drift: float | None
    risk_free_rate: float
    value_usd: float
    value_usd_se: float
    value_usd_p10: float
    value_usd_p50: float
    value_usd_p90: float
    prob_full_vest: float
    expected_vested_shares: float
    expected_dilution_pct: float
    tranches: list[WarrantTrancheValue]
    prob_vest_by_month: dict
    conditions: dict
    source: str | None
    note: str | None
    warnings: list[str]
    #: Expected (probability-weighted) shares vested by each month of ``grid``, for EPS dilution.
    vested_shares_by_month: np.ndarray = internal(repr=False)
    #: The valuation's months, from the valuation month to the expiry.
    grid: list[str] = internal(repr=False)

    def vested_shares_through(self, in_period) -> float:
        """Expected vested shares at the last grid month for which ``in_period(month)`` holds (0 if none)."""
        ends = [i for i, m in enumerate(self.grid) if in_period(m)]
        return float(self.vested_shares_by_month[ends[-1]]) if ends else 0.0

    def to_frame(self):
        """One row per tranche."""
        return frame([{"tranche": j + 1, **t.to_dict()} for j, t in enumerate(self.tranches)], "tranche")


@dataclass(frozen=True, eq=False)
class InvestmentFlow(Record):
    """A vendor's equity investment per GW deployed (``deals[].investment``)."""

    usd_per_gw: float
    cap_usd: float
    total_usd: float
    usd_by_year: dict[str, float]
    cap_reached_month: str | None
    stake_pct_at_valuation: float | None
    valuation_usd: float | None
    shares_bought: float | None
    price_per_share_usd: float | None
    source: str | None


@dataclass(frozen=True, eq=False)
class SupplierEconomics(Record):
    """The supplier's incremental revenue, profit and EPS (``deals[].supplier_economics``)."""

    supplier: str
    revenue_usd_per_gw: float
    revenue_basis: str
    revenue_usd_total: float
    revenue_usd_by_year: dict[str, float]
    revenue_usd_by_quarter: dict[str, float]
    gross_profit_usd_by_year: dict[str, float]
    gross_profit_usd_by_quarter: dict[str, float]
    eps_usd_by_quarter: dict[str, float]
    net_income_usd_by_year: dict[str, float]
    eps_usd_by_year: dict[str, float]
    eps_usd_by_year_before_warrant_dilution: dict[str, float]
    warrant_shares_by_year: dict[str, float]
    gross_margin: float
    operating_expense_ratio: float
    tax_rate: float
    diluted_shares: float
    source: str | None
    #: The scenario deal these economics are for.
    deal_index: int = internal()

    def to_frame(self):
        """One row per year with revenue."""
        return frame([{"year": y, "revenue_usd": v, "gross_profit_usd": self.gross_profit_usd_by_year[y],
                       "net_income_usd": self.net_income_usd_by_year[y], "eps_usd": self.eps_usd_by_year[y],
                       "eps_usd_before_warrant_dilution": self.eps_usd_by_year_before_warrant_dilution[y]}
                      for y, v in self.revenue_usd_by_year.items()], "year")


@dataclass(frozen=True, eq=False)
class BuyerCash(Record):
    """The buyer's cash, TCO and payback over the horizon (``deals[].buyer_economics``)."""

    cash_paid_usd: float
    capex_usd: float
    opex_usd: float
    warrant_value_usd: float | None
    investment_received_usd: float | None
    effective_discount_pct: float | None
    tco_usd_per_accelerator_hour: float | None
    tco_usd_per_effective_pflop_hour: float | None
    payback_month: str | None = None
    revenue_usd_per_gw_year: float | None = None
    cumulative_cash_usd_at_horizon_end: float | None = optional()


@dataclass(frozen=True, eq=False)
class ShareholderView(Record):
    """The deal against the supplier's base financials (``deals[].shareholder``); ``available``
    False (with a ``note``) where the market file has no financials for it."""

    available: bool
    note: str | None = optional()
    company: str | None = None
    ticker: str | None = None
    exchange: str | None = None
    base_year: str | None = None
    fiscal_year_start_month: int | None = None
    years: list[dict] | None = None
    warrant_value_usd: float | None = None
    warrant_value_per_existing_share_usd: float | None = None
    shares_outstanding: float | None = None
    value_as_of: str | None = None
    investment: dict | None = None
    claims: list | None = None
    years_accretive_after_dilution: int | None = None
    assumptions: list[dict] | None = None
    #: The English of keys of ``core.i18n.STRINGS`` (``sh.n.*``): other languages say them from there (``i18n.said``).
    notes: list[str] | None = None

    def to_dict(self) -> dict:
        if not self.available:
            return {"available": False, "note": self.note}
        return super().to_dict()

    def to_frame(self):
        """One row per fiscal year."""
        return frame(list(self.years or []), "fiscal_year")


@dataclass(frozen=True, eq=False)
class DealEconomics(Record):
    """One scenario deal's economics (``deal --json`` ``deals[]``)."""

    name: str
    buyer: str
    supplier: str
    note: str | None = optional()
    ledger: dict | None = optional()
    buyer_economics: BuyerCash | None = None
    buyer_hourly: dict | None = None
    shareholder: ShareholderView | None = optional()
    warrant: WarrantValuation | None = optional()
    investment: InvestmentFlow | None = optional()
    supplier_economics: SupplierEconomics | None = optional()


@dataclass(frozen=True, eq=False)
class DealAnalysis(Record):
    """``gigawatt deal --json`` (and ``POST /api/deal``'s ``analysis``): every deal's economics; the
    first deal with a warrant, an investment and supplier terms also at the top level."""

    scenario: str
    deals: list[DealEconomics]
    assumptions: dict
    market_inputs: dict | None = optional()
    value_as_of: str | None = optional()
    note: str | None = optional()
    #: Money shown in another currency (``--currency``): the dated rate.
    display_currency: dict | None = optional()
    #: The valuation conventions (``deal --json`` only).
    conventions: dict | None = optional()

    def first(self, term: str) -> DealEconomics | None:
        """The first deal with ``term`` (warrant, investment, supplier_economics)."""
        return next((d for d in self.deals if getattr(d, term) is not None), None)

    def to_dict(self) -> dict:
        out: dict = {"scenario": self.scenario, "deals": [d.to_dict() for d in self.deals]}
        for key in ("market_inputs", "value_as_of", "note"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        for key, term in (("warrant", "warrant"), ("investment", "investment"), ("supplier", "supplier_economics")):
            d = self.first(term)
            if d is not None:
                out[key] = {"deal": d.name, **getattr(d, term).to_dict()}
        out["assumptions"] = plain(self.assumptions)
        for key in ("display_currency", "conventions"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def to_frame(self):
        """One row per deal: the headline numbers."""
        rows = []
        for d in self.deals:
            rows.append({"deal": d.name, "buyer": d.buyer, "supplier": d.supplier,
                         "cash_paid_usd": d.buyer_economics.cash_paid_usd,
                         "warrant_value_usd": d.warrant.value_usd if d.warrant else None,
                         "prob_full_vest": d.warrant.prob_full_vest if d.warrant else None,
                         "investment_usd": d.investment.total_usd if d.investment else None,
                         "supplier_revenue_usd": d.supplier_economics.revenue_usd_total if d.supplier_economics else None})
        return frame(rows, "deal")


@dataclass(frozen=True, eq=False)
class JointWarrants(Record):
    """Several warrants on one underlying valued together on common price paths."""

    issuer_spot_usd: float
    valuation_month: str
    price_mode: str
    volatility: float | None
    risk_free_rate: float
    warrants: list[dict]
    shares_total: int
    shares_outstanding: float
    stake_pct_pre: float
    stake_pct_post: float
    value_usd: float
    value_usd_p10: float
    value_usd_p50: float
    value_usd_p90: float
    expected_vested_shares: float
    vested_shares_p10: float
    vested_shares_p50: float
    vested_shares_p90: float
    expected_dilution_pct: float
    prob_all_fully_vest: float
    expected_vested_shares_by_year_end: dict[str, float]
    prob_any_vests: float
    assumptions: dict

    def to_frame(self):
        """One row per warrant."""
        return frame(list(self.warrants), "deal")


@dataclass(frozen=True, eq=False)
class DilutionView(Record):
    """``deal ISSUER --all-warrants``: the issuer's EPS diluted by all its warrants."""

    available: bool
    note: str
    company: str | None = None
    ticker: str | None = None
    exchange: str | None = None
    years: list[dict] | None = None
    warrant_value_per_existing_share_usd: float | None = None
    value_as_of: str | None = None

    def to_dict(self) -> dict:
        if not self.available:
            return {"available": False, "note": self.note}
        return {"available": True, "company": self.company, "ticker": self.ticker, "exchange": self.exchange, "years": plain(self.years),
                "warrant_value_per_existing_share_usd": self.warrant_value_per_existing_share_usd, "value_as_of": self.value_as_of,
                "note": self.note}


@dataclass(frozen=True, eq=False)
class IssuerWarrants(Record):
    """``gigawatt deal ISSUER --all-warrants --json``: every ledger warrant on an issuer, valued together."""

    joint: JointWarrants
    issuer: str
    deals: list[str]
    as_of: str
    tranche_structure: dict[str, str]
    shareholder: DilutionView | None = None
    market_inputs: dict | None = None
    conventions: dict | None = None
    #: The display currency's dated rate (``--currency``; tables only).
    fx: dict | None = internal(default=None)

    @property
    def valuation_month(self) -> str:
        return self.joint.valuation_month

    def to_dict(self) -> dict:
        out = {**self.joint.to_dict(), "issuer": self.issuer, "deals": list(self.deals), "as_of": self.as_of,
               "tranche_structure": dict(self.tranche_structure)}
        if self.shareholder is not None:
            out.update(shareholder=self.shareholder.to_dict(), market_inputs=self.market_inputs, value_as_of=self.valuation_month)
        if self.conventions is not None:
            out["conventions"] = self.conventions
        return out


def parse_price_path(text: str) -> dict[str, float]:
    """``"2026-12: 220, 2028-06: 400"`` → ``{"2026-12": 220.0, "2028-06": 400.0}`` (finite, positive)."""
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        month, sep, price = part.partition(":")
        try:
            if not sep:
                raise ValueError
            label = month_label(month_index(month.strip()))
            value = float(price)
        except ValueError:
            raise GigawattError(f"--price-path: cannot read {part!r}; write e.g. '2026-12: 220, 2028-06: 400'") from None
        check("share_price_usd", value, f"--price-path: the price in {part!r}")
        if label in out:
            raise GigawattError(f"--price-path: {label} is given twice; give each month once")
        out[label] = value
    if not out:
        raise GigawattError("--price-path is empty; write e.g. '2026-12: 220, 2028-06: 400'")
    return out


def _deal_series(result: Result, deal_index: int, name: str, products: list[str] | None = None) -> np.ndarray:
    idx = [t.index for t in result.tranches if t.deal_index == deal_index and (products is None or t.product in products)]
    return result.series[name][0, idx, :].sum(axis=0)


def warrant_analysis(result: Result, deal_index: int, w: Warrant, opts: PriceOptions) -> WarrantValuation:
    u = w.underlying
    spot = opts.spot_usd if opts.spot_usd is not None else u.spot_usd
    as_of = month_index(opts.as_of) if opts.as_of else month_index(u.as_of)
    vol = opts.volatility if opts.volatility is not None else u.volatility
    if opts.risk_free_rate is not None:
        u = u.model_copy(update={"risk_free_rate": opts.risk_free_rate})
    drift_in = opts.drift if opts.drift is not None else u.drift
    drift = u.drift_rate(drift_in)
    expiry = month_index(w.expiry)
    check("share_price_usd", spot, "the share price")
    check("volatility", vol, "the volatility")
    check("drift", drift, "the drift")
    if expiry <= as_of:
        raise GigawattError(f"valuation month {month_label(as_of)} is not before the warrant's expiry {w.expiry}")
    n = expiry - as_of
    grid = [month_label(as_of + i) for i in range(n + 1)]
    delivered = np.stack([
        wm.on_grid(_deal_series(result, deal_index, "delivered_gw", t.products), result.inputs.month0, as_of, n) for t in w.tranches
    ])
    warnings = _tranche_warnings(result, deal_index, w)
    if opts.path is not None:
        early = [k for k in opts.path if month_index(k) <= as_of]
        if early:
            raise GigawattError(f"--price-path: {', '.join(early)} is not after the valuation month {month_label(as_of)}; "
                                "the path starts at the spot price then")
        points = {month_index(k): v for k, v in opts.path.items()}
        prices = wm.interpolate_path(points, as_of, n, spot)
        mode = "given path"
    else:
        rng = np.random.default_rng(np.random.SeedSequence(opts.seed))
        prices = wm.gbm_paths(spot, vol, drift, u.dividend_yield, n, opts.samples, rng)
        mode = f"{opts.samples:,} simulated GBM paths (seed {opts.seed})"
        if drift_in != "risk-neutral" and abs(drift - u.risk_free_rate) > 1e-12:
            mode += (f"; real-world drift {drift:.1%}: the mean is an expected payoff discounted at the risk-free rate, "
                     "not a market value")
    avg = wm.trailing_mean(prices, w.averaging_months)
    milestones = np.array([t.gw for t in w.tranches])
    hurdles = np.array([t.price_hurdle_usd for t in w.tranches])
    vest = wm.vest_months(delivered, avg, milestones, hurdles, n, w.deployment_condition, w.price_condition)
    value = wm.warrant_value_usd(prices, vest, [t.shares for t in w.tranches], w.strike_usd, u.risk_free_rate)
    if opts.path is None and len(value) > 2:
        # Antithetic pairs (path i and i + n/2) are not independent: the error comes from pair means.
        half = len(value) // 2
        pairs = 0.5 * (value[:half] + value[half:2 * half])
        se = float(pairs.std(ddof=1) / np.sqrt(half))
    else:
        se = 0.0
    vested = vest >= 0
    shares = np.array([t.shares for t in w.tranches], float)
    prob = vested.mean(axis=0)
    # P(vested by month t) per tranche: histogram of vest months, cumulated.
    by_month = np.stack([np.cumsum(np.bincount(vest[vested[:, j], j], minlength=n + 1)) for j in range(len(shares))]) / len(vest)
    expected_shares = float(shares @ prob)
    tranches = []
    for j, t in enumerate(w.tranches):
        mean_month = vest[vested[:, j], j].mean() if prob[j] > 0 else None
        tranches.append(WarrantTrancheValue(
            shares=t.shares, gw_milestone=t.gw, products=t.products, price_hurdle=t.price_hurdle_usd,
            assumed=t.assumed, prob_vest=float(prob[j]),
            expected_vest_month=grid[int(round(mean_month))] if mean_month is not None else None,
            gw_milestone_month=next((grid[i] for i in range(n + 1) if delivered[j, i] >= t.gw - 1e-9), None),
        ))
    total = w.shares
    return WarrantValuation(
        shares_total=total,
        strike_usd=w.strike_usd,
        issued=w.issued,
        expiry=w.expiry,
        shares_outstanding=w.shares_outstanding,
        stake_pct_pre=100 * total / w.shares_outstanding,
        stake_pct_post=100 * total / (w.shares_outstanding + total),
        value_at_final_hurdle_usd=total * w.tranches[-1].price_hurdle_usd,
        intrinsic_at_spot_usd=total * max(spot - w.strike_usd, 0.0),
        valuation_month=grid[0],
        spot_usd=spot,
        price_mode=mode,
        volatility=vol if opts.path is None else None,
        drift=drift if opts.path is None else None,
        risk_free_rate=u.risk_free_rate,
        value_usd=float(value.mean()),
        value_usd_se=se,
        value_usd_p10=float(np.percentile(value, 10)),
        value_usd_p50=float(np.percentile(value, 50)),
        value_usd_p90=float(np.percentile(value, 90)),
        prob_full_vest=float(vested.all(axis=1).mean()),
        expected_vested_shares=expected_shares,
        expected_dilution_pct=100 * expected_shares / (w.shares_outstanding + expected_shares),
        tranches=tranches,
        prob_vest_by_month={"month": grid, **{f"tranche_{j + 1}": by_month[j].tolist() for j in range(len(shares))}},
        conditions={"deployment": w.deployment_condition, "price": w.price_condition, "averaging_months": w.averaging_months},
        source=w.source,
        note=w.note,
        warnings=warnings,
        vested_shares_by_month=(by_month * shares[:, None]).sum(axis=0),
        grid=grid,
    )


def _tranche_warnings(result: Result, deal_index: int, w: Warrant) -> list[str]:
    """Warrant tranches that can never vest on this deal's deliveries."""
    out = []
    deal_products = {t.product for t in result.tranches if t.deal_index == deal_index}
    deal_gw = float(sum(result.nameplate["gw"][0, t.index] for t in result.tranches if t.deal_index == deal_index))
    for i, t in enumerate(w.tranches):
        if t.products is not None and not set(t.products) & deal_products:
            out.append(f"tranche {i + 1}: none of its products {t.products} is in the deal ({', '.join(sorted(deal_products))}); it can never vest")
        elif t.gw > deal_gw + 1e-9:
            out.append(f"tranche {i + 1}: its {t.gw:g} GW milestone is above the deal's {deal_gw:g} GW; it can never vest")
    return out


def investment_analysis(result: Result, deal_index: int, deal: Deal) -> InvestmentFlow:
    inv = deal.investment
    delivered = _deal_series(result, deal_index, "delivered_gw")
    cum = np.minimum(delivered * inv.usd_per_gw, inv.cap_usd)
    monthly = np.diff(cum, prepend=0.0)
    total = float(cum[-1])
    return InvestmentFlow(
        usd_per_gw=inv.usd_per_gw,
        cap_usd=inv.cap_usd,
        total_usd=total,
        usd_by_year=sum_by_period(result.months, monthly),
        cap_reached_month=next((m for m, c in zip(result.months, cum) if c >= inv.cap_usd - 1e-6), None),
        stake_pct_at_valuation=100 * total / inv.valuation_usd if inv.valuation_usd else None,
        valuation_usd=inv.valuation_usd,
        shares_bought=total / inv.price_per_share_usd if inv.price_per_share_usd else None,
        price_per_share_usd=inv.price_per_share_usd,
        source=inv.source,
    )


def supplier_analysis(result: Result, deal_index: int, deal: Deal, warrant: WarrantValuation | None) -> SupplierEconomics:
    from gigawatt.analyses.flows import attribution

    st = deal.supplier_terms
    idx = [t.index for t in result.tranches if t.deal_index == deal_index]
    gw = float(result.nameplate["gw"][0, idx].sum())
    # The one attribution `flows` uses: stated revenue per GW, or the vendor's content at catalog prices.
    rev_per_gw = float(attribution(result)["vendor_revenue_usd"][idx].sum()) / gw
    delivered = _deal_series(result, deal_index, "delivered_gw")
    revenue = np.diff(delivered, prepend=0.0) * rev_per_gw
    gross = revenue * st.gross_margin
    net = revenue * (st.gross_margin - st.operating_expense_ratio) * (1 - st.tax_rate)
    years = sum_by_period(result.months, revenue)
    net_by_year = sum_by_period(result.months, net)
    # Warrant shares expected to have vested by each year end dilute the share count.
    dilution = {}
    if warrant is not None:
        for y in years:
            dilution[y] = warrant.vested_shares_through(lambda m, y=y: m[:4] <= y)
    eps = {y: net_by_year[y] / (st.diluted_shares + dilution.get(y, 0.0)) for y in years}
    net_by_quarter = sum_by_period(result.months, net, "quarter")
    q_dilution = {}
    if warrant is not None:
        for q in net_by_quarter:
            q_dilution[q] = warrant.vested_shares_through(lambda m, q=q: quarter_label(m) <= q)  # labels sort in time order
    eps_q = {q: v / (st.diluted_shares + q_dilution.get(q, 0.0)) for q, v in net_by_quarter.items()}
    eps_undiluted = {y: net_by_year[y] / st.diluted_shares for y in years}
    basis_key = "sh.basis.stated" if st.revenue_usd_per_gw is not None else "sh.basis.vendor_content"
    return SupplierEconomics(
        supplier=deal.supplier,
        revenue_usd_per_gw=rev_per_gw,
        revenue_basis=_en(basis_key),  # the English of sh.basis.*: other languages say it from there (``i18n.said``)
        revenue_usd_total=float(revenue.sum()),
        revenue_usd_by_year=years,
        revenue_usd_by_quarter=sum_by_period(result.months, revenue, "quarter"),
        gross_profit_usd_by_year=sum_by_period(result.months, gross),
        gross_profit_usd_by_quarter=sum_by_period(result.months, gross, "quarter"),
        eps_usd_by_quarter=eps_q,
        net_income_usd_by_year=net_by_year,
        eps_usd_by_year=eps,
        eps_usd_by_year_before_warrant_dilution=eps_undiluted,
        warrant_shares_by_year=dilution,
        gross_margin=st.gross_margin,
        operating_expense_ratio=st.operating_expense_ratio,
        tax_rate=st.tax_rate,
        diluted_shares=st.diluted_shares,
        source=st.source,
        deal_index=deal_index,
    )


def buyer_analysis(result: Result, deal_index: int, deal: Deal, warrant: WarrantValuation | None, investment: InvestmentFlow | None,
                   supplier_revenue_usd: float | None) -> BuyerCash:
    s = {k: _deal_series(result, deal_index, k) for k in ("capex_usd", "opex_usd", "depreciation_usd", "accelerators",
                                                          "effective_pflops_bf16", "online_gw")}
    cost = s["depreciation_usd"] + s["opex_usd"]
    acc_hours = float((s["accelerators"] * HOURS_PER_MONTH).sum())
    pflop_hours = float((s["effective_pflops_bf16"] * HOURS_PER_MONTH).sum())
    cash_paid = float(s["capex_usd"].sum() + s["opex_usd"].sum())
    equity = (warrant.value_usd if warrant else 0.0)
    payback = {}
    bt = deal.buyer_terms
    if bt is not None and bt.revenue_usd_per_gw_year:
        revenue = s["online_gw"] * bt.revenue_usd_per_gw_year / 12
        cum = np.cumsum(revenue - s["capex_usd"] - s["opex_usd"])
        neg = np.flatnonzero(cum < 0)
        after = np.flatnonzero((cum >= 0) & (np.arange(len(cum)) > (neg[0] if len(neg) else -1)))
        payback = {"revenue_usd_per_gw_year": bt.revenue_usd_per_gw_year,
                   "payback_month": result.months[after[0]] if len(neg) and len(after) else None,
                   "cumulative_cash_usd_at_horizon_end": float(cum[-1])}
    return BuyerCash(
        cash_paid_usd=cash_paid,
        capex_usd=float(s["capex_usd"].sum()),
        opex_usd=float(s["opex_usd"].sum()),
        warrant_value_usd=warrant.value_usd if warrant else None,
        investment_received_usd=investment.total_usd if investment else None,
        effective_discount_pct=100 * equity / supplier_revenue_usd if warrant and supplier_revenue_usd else None,
        tco_usd_per_accelerator_hour=float(cost.sum()) / acc_hours if acc_hours else None,
        tco_usd_per_effective_pflop_hour=float(cost.sum()) / pflop_hours if pflop_hours else None,
        **payback,
    )


def ledger_link(deal: Deal) -> dict | None:
    """The deal-ledger entry a scenario deal comes from (its ``ledger:`` id; older files name it
    in the note as ``ledger: ID``): its status and any superseded terms, so outputs say when a
    deal's terms have been replaced."""
    import re

    deal_id = deal.ledger
    if deal_id is None:
        m = re.search(r"ledger:\s*([a-z0-9][a-z0-9-]*)", deal.note or "")
        if m is None:
            return None
        deal_id = m.group(1)
    from gigawatt.ledger import load_ledger

    try:
        view = load_ledger().get(deal_id)
    except GigawattError:
        return None
    return {"id": view.id, "status": view.status,
            "superseded_terms": [{"term": x["term"], "set": x["set"], "replaced": x["replaced"], "by": x["replaced_by"]}
                                 for x in view.superseded()]}


def analyse(result: Result, opts: PriceOptions = PriceOptions(), *, shareholder: bool = True, buyer: dict | None = None,
            fiscal_year_start: int | None = None, market_inputs: dict | None = None) -> DealAnalysis:
    """Every deal's economics; the first deal with each kind of term also appears at top level.

    ``shareholder``: add each listed supplier's shareholder view (market file base financials);
    ``buyer``: options for the hourly buyer economics (``buyer.buyer_economics`` keywords);
    ``market_inputs``: the resolved market inputs (``market.underlying_inputs``), echoed with their sources.
    """
    from gigawatt.analyses.buyer import buyer_economics

    deals = []
    for di, deal in enumerate(result.scenario.deals):
        w = warrant_analysis(result, di, deal.warrant, opts) if deal.warrant else None
        inv = investment_analysis(result, di, deal) if deal.investment else None
        sup = supplier_analysis(result, di, deal, w) if deal.supplier_terms else None
        deals.append(DealEconomics(
            name=deal.name, buyer=deal.buyer, supplier=deal.supplier, note=deal.note or None, ledger=ledger_link(deal),
            buyer_economics=buyer_analysis(result, di, deal, w, inv, sup.revenue_usd_total if sup else None),
            buyer_hourly=buyer_economics(result, di, **(buyer or {})),
            shareholder=shareholder_view(result, deal, sup, w, inv, fiscal_year_start) if shareholder and sup is not None else None,
            warrant=w, investment=inv, supplier_economics=sup))
    first_w = next((d.warrant for d in deals if d.warrant is not None), None)
    note = None
    if not any(getattr(d, k) is not None for d in deals for k in ("warrant", "investment", "supplier_economics")):
        note = ("no deal has warrant, investment or supplier_terms, so only buyer economics are shown; "
                "see the built-in openai-amd scenario for the terms' format")
    assumptions = {
        "price": "given path" if opts.path else "geometric Brownian motion, monthly steps, antithetic draws",
        "vesting": "a tranche vests in the first month its delivered-GW milestone is met and the averaged price is at or above its hurdle, before expiry",
        "expected_vest_month": "the mean vest month over the paths on which the tranche vests",
        "eps_dilution": "EPS divides by diluted shares plus the warrant shares expected (probability-weighted) to have vested by the period end",
        "value": "shares received at vesting, net of strike, discounted at the risk-free rate to the valuation month",
        "deliveries": "cumulative facility GW delivered, from the engine's deployment schedule",
        "assumed_tranches": [f"{d.name}: tranche {i + 1}" for d in deals if d.warrant is not None
                             for i, t in enumerate(d.warrant.tranches) if t.assumed],
    }
    return DealAnalysis(scenario=result.scenario.name, deals=deals, assumptions=assumptions, market_inputs=market_inputs,
                        value_as_of=first_w.valuation_month if first_w is not None else None, note=note)


def joint_warrants(result: Result, opts: PriceOptions = PriceOptions(), deal_indices: list[int] | None = None) -> JointWarrants:
    """Several warrants on one underlying, vested and valued together on common price paths.

    Each warrant vests on its own deal's deliveries and milestones, and all of them on the
    same share price (given path or GBM paths from the first warrant's underlying, or
    ``opts``). Returns each warrant's vesting, the total shares, their joint value and dilution
    (the dilution of all the warrants together on the issuer's latest share count).
    """
    idx = deal_indices if deal_indices is not None else [i for i, d in enumerate(result.scenario.deals) if d.warrant]
    if not idx:
        raise GigawattError("no deal in this selection has a warrant")
    warrants = [result.scenario.deals[i].warrant for i in idx]
    u0 = warrants[0].underlying
    for i, w in zip(idx, warrants):
        u = w.underlying
        if (u.spot_usd, u.as_of, u.volatility, u.risk_free_rate, u.dividend_yield) != (
                u0.spot_usd, u0.as_of, u0.volatility, u0.risk_free_rate, u0.dividend_yield):
            raise GigawattError(f"{result.scenario.deals[i].name}: its warrant's underlying differs from "
                                f"{result.scenario.deals[idx[0]].name}'s; joint valuation needs one share price")
    spot = opts.spot_usd if opts.spot_usd is not None else u0.spot_usd
    as_of = month_index(opts.as_of) if opts.as_of else month_index(u0.as_of)
    vol = opts.volatility if opts.volatility is not None else u0.volatility
    if opts.risk_free_rate is not None:
        u0 = u0.model_copy(update={"risk_free_rate": opts.risk_free_rate})
    drift = u0.drift_rate(opts.drift)
    last = max(month_index(w.expiry) for w in warrants)
    if last <= as_of:
        raise GigawattError(f"valuation month {month_label(as_of)} is not before the last expiry {month_label(last)}")
    n = last - as_of
    grid = [month_label(as_of + i) for i in range(n + 1)]
    if opts.path is not None:
        prices = wm.interpolate_path({month_index(k): v for k, v in opts.path.items()}, as_of, n, spot)
        mode = "given path"
    else:
        rng = np.random.default_rng(np.random.SeedSequence(opts.seed))
        prices = wm.gbm_paths(spot, vol, drift, u0.dividend_yield, n, opts.samples, rng)
        mode = f"{opts.samples:,} simulated GBM paths (seed {opts.seed}), common to every warrant"
    per, values, vested_shares, full, by_month = [], [], [], [], []
    for i, w in zip(idx, warrants):
        delivered = np.stack([wm.on_grid(_deal_series(result, i, "delivered_gw", t.products), result.inputs.month0, as_of, n)
                              for t in w.tranches])
        avg = wm.trailing_mean(prices, w.averaging_months)
        vest = wm.vest_months(delivered, avg, np.array([t.gw for t in w.tranches]), np.array([t.price_hurdle_usd for t in w.tranches]),
                              month_index(w.expiry) - as_of, w.deployment_condition, w.price_condition)
        shares = np.array([t.shares for t in w.tranches], float)
        value = wm.warrant_value_usd(prices, vest, shares, w.strike_usd, u0.risk_free_rate)
        vs = (vest >= 0) @ shares
        # Expected shares vested by each month of the grid (probability-weighted), for EPS dilution by year.
        cum = np.zeros(n + 1)
        for j in range(len(shares)):
            v = vest[:, j]
            cum += shares[j] * np.cumsum(np.bincount(v[v >= 0], minlength=n + 1)[:n + 1]) / len(v)
        by_month.append(cum)
        values.append(value)
        vested_shares.append(vs)
        full.append((vest >= 0).all(axis=1))
        per.append({"deal": result.scenario.deals[i].name, "shares": w.shares, "issued": w.issued, "expiry": w.expiry,
                    "value_usd": float(value.mean()), "prob_full_vest": float(full[-1].mean()),
                    "expected_vested_shares": float(vs.mean()),
                    "prob_vest_by_tranche": (vest >= 0).mean(axis=0).tolist(),
                    "assumed_tranches": [j + 1 for j, t in enumerate(w.tranches) if t.assumed]})
    total_value = np.sum(values, axis=0)
    total_shares = np.sum(vested_shares, axis=0)
    shares_total = sum(w.shares for w in warrants)
    # The issuer's latest share count: the one stated by the most recently issued warrant.
    outstanding = max(warrants, key=lambda w: month_index(w.issued)).shares_outstanding
    return JointWarrants(
        issuer_spot_usd=spot,
        valuation_month=grid[0],
        price_mode=mode,
        volatility=vol if opts.path is None else None,
        risk_free_rate=u0.risk_free_rate,
        warrants=per,
        shares_total=shares_total,
        shares_outstanding=outstanding,
        stake_pct_pre=100 * shares_total / outstanding,
        stake_pct_post=100 * shares_total / (outstanding + shares_total),
        value_usd=float(total_value.mean()),
        value_usd_p10=float(np.percentile(total_value, 10)),
        value_usd_p50=float(np.percentile(total_value, 50)),
        value_usd_p90=float(np.percentile(total_value, 90)),
        expected_vested_shares=float(total_shares.mean()),
        vested_shares_p10=float(np.percentile(total_shares, 10)),
        vested_shares_p50=float(np.percentile(total_shares, 50)),
        vested_shares_p90=float(np.percentile(total_shares, 90)),
        expected_dilution_pct=float(np.mean(100 * total_shares / (outstanding + total_shares))),
        prob_all_fully_vest=float(np.all(full, axis=0).mean()),
        expected_vested_shares_by_year_end={m[:4]: float(np.sum(by_month, axis=0)[i]) for i, m in enumerate(grid)
                                            if m.endswith("-12") or i == n},
        prob_any_vests=float((total_shares > 0).mean()),
        assumptions={
            "prices": "one share-price path set for every warrant: their vesting is correlated through the price",
            "vesting": "each warrant vests on its own deal's delivered GW and the common price, before its own expiry",
            "dilution": "vested shares of all warrants over the issuer's latest share count plus those shares",
        },
    )


# ---------------------------------------------------------------------------------------------
# The shareholder view: the deal against the supplier's own base financials.

def _fig(f, key: str, fallback_source: str = "", **params) -> dict:
    """A market-file Figure as an assumption row ``{what, key, params, value, unit, kind, source, as_of}``: ``what`` is the
    English of ``key`` (a key of ``core.i18n.STRINGS``) with ``params`` filled in, so other languages can say it."""
    label = {"what": _en(key, **params), "key": key, "params": params}
    if f is None:
        return {**label, "value": None, "text": "unknown"}
    return {**label, "value": f.x, "unit": f.unit, "kind": f.kind, "source": f.source if isinstance(f.source, str) else
            "; ".join(f.source or []) or fallback_source, "as_of": f.as_of, "note": f.note,
            **({"text": f.text()} if f.x is None else {})}


def _row(key: str, **fields) -> dict:
    """An assumption row whose ``what`` is the English of ``key`` (no parameters)."""
    return {"what": _en(key), "key": key, "params": {}, **fields}


def issuer_warrant_shares(issuer: str, as_of: str | None = None) -> list[dict]:
    """Every warrant on ``issuer`` in the deal ledger (as of a date): ``[{deal, shares, issued}]``."""
    try:
        from gigawatt.ledger import load_ledger

        views = load_ledger().view(as_of)
    except GigawattError:
        return []
    out = []
    for v in views:
        w = v.terms.get("warrant")
        if w is not None and w.issuer == issuer.lower() and w.shares.x:
            out.append({"deal": v.id, "shares": w.shares.x, "issued": w.issued.value, "status": v.status})
    return out


def shareholder_view(result: Result, deal: Deal, sup: SupplierEconomics, warrant: WarrantValuation | None,
                     investment: InvestmentFlow | None, fiscal_year_start: int | None = None, market=None) -> ShareholderView:
    """Incremental P&L by year with every ratio, EPS before and after warrant dilution against the
    company's base EPS and consensus, % accretion, warrant value per existing share.

    Formulas (``model/finance.py``), per fiscal year y: revenue R_y (deliveries × revenue per GW);
    gross profit = R_y × gross margin; opex = R_y × opex ratio; operating income = GP − opex; tax =
    operating income × tax rate; net income ΔNI_y; incremental EPS = ΔNI_y / D; EPS with the deal
    after dilution = (base EPS_y × D + ΔNI_y) / (D + W_y), W_y the warrant shares expected vested by
    the year end; accretion = EPS with / base EPS − 1. Base EPS_y is the consensus for that year
    where the market file has one, and the last reported year's actual otherwise (labelled).
    """
    from gigawatt.ledger import market as mk
    from gigawatt.model import finance as fin
    from gigawatt.model.finance import sum_by_fiscal_year

    m = market or mk.load_market()
    f = mk.financials(deal.supplier, m)
    if f is None:
        return ShareholderView(available=False, note=f"no base financials for {deal.supplier!r} in the market file; add a "
                                                     "`financials:` entry (GIGAWATT_MARKET) to see the shareholder view")
    st = deal.supplier_terms
    fy_start = fiscal_year_start or (f.fiscal_year_end_month % 12) + 1
    d = f.diluted_shares.x or st.diluted_shares
    base_eps = f.eps_usd.x
    # Monthly revenue from deliveries, by the company's fiscal year (named by the year it ends in).
    idx = [t.index for t in result.tranches if t.deal_index == sup.deal_index]
    delivered = result.series["delivered_gw"][0, idx, :].sum(axis=0)
    revenue_m = np.diff(delivered, prepend=0.0) * sup.revenue_usd_per_gw

    # Fiscal-year names: the company's own years are named by the calendar year they end in (NVIDIA's
    # FY2027 ends January 2027); a user's --fiscal-year-start names them by the year they start in
    # (model.finance.fiscal_year, Advantest's convention). ``ends_in`` is the year of the last month.
    by_end = fiscal_year_start is None and fy_start != 1

    def fy_name(label: str) -> str:
        return f"FY{label}" if fy_start == 1 else (f"FY{int(label[2:]) + 1}" if by_end else label)

    def ends_in(name: str) -> int:
        y = int(name[2:])
        return y if fy_start == 1 or by_end else y + 1

    rev_by_fy = {fy_name(k): v for k, v in sum_by_fiscal_year(result.months, revenue_m, fy_start).items() if v}
    consensus = {c.fiscal_year: c for c in f.consensus}
    # Warrant shares expected vested by each fiscal year end (this deal's warrant, probability-weighted).
    all_warrants = issuer_warrant_shares(f.id)
    all_shares = sum(w["shares"] for w in all_warrants) or (warrant.shares_total if warrant else 0.0)
    rows = []
    for fy, rev in rev_by_fy.items():
        end_month = f"{ends_in(fy):04d}-{(fy_start - 2) % 12 + 1:02d}"
        w_y = warrant.vested_shares_through(lambda mth, end=end_month: mth <= end) if warrant else 0.0
        inc = fin.incremental_income_usd(rev, st.gross_margin, st.operating_expense_ratio, st.tax_rate)
        c = consensus.get(fy)
        base = c.eps_usd.x if c is not None and c.eps_usd.x is not None else base_eps
        base_is = f"consensus {fy} ({c.eps_usd.as_of})" if c is not None and c.eps_usd.x is not None else f"{f.base_year} actual"
        eps_inc = inc["net_income_usd"] / d
        eps_with = fin.eps_after_dilution_usd(base, inc["net_income_usd"], d, w_y)
        eps_full = fin.eps_after_dilution_usd(base, inc["net_income_usd"], d, all_shares)
        rows.append({
            "fiscal_year": fy, **inc,
            "gross_margin": st.gross_margin, "operating_expense_ratio": st.operating_expense_ratio, "tax_rate": st.tax_rate,
            "diluted_shares": d, "incremental_eps_usd": eps_inc,
            "base_eps_usd": base, "base_is": base_is,
            "consensus_eps_usd": c.eps_usd.x if c is not None else None,
            "consensus_revenue_usd": c.revenue_usd.x if c is not None else None,
            "deal_revenue_share_of_consensus_pct": 100 * rev / c.revenue_usd.x if c is not None and c.revenue_usd.x else None,
            "warrant_shares_expected": w_y,
            "eps_with_deal_before_dilution_usd": base + eps_inc,
            "eps_with_deal_after_dilution_usd": eps_with,
            "accretion_before_dilution_pct": fin.accretion_pct(base + eps_inc, base),
            "accretion_after_dilution_pct": fin.accretion_pct(eps_with, base),
            "all_issuer_warrant_shares": all_shares,
            "eps_all_warrants_fully_vested_usd": eps_full,
            "accretion_all_warrants_fully_vested_pct": fin.accretion_pct(eps_full, base),
        })
    out_shares = None
    if warrant:
        u = mk.underlying_inputs(f.id, market=m)
        out_shares = u["shares_outstanding"]["value"] if u else warrant.shares_outstanding
    # Each row's ``what`` is the English of its ``key`` (``core.i18n.STRINGS``) with ``params``: the Japanese outputs say it from the key.
    assumptions = [
        _row("sh.a.revenue_per_gw", value=sup.revenue_usd_per_gw, unit="USD/GW", kind="scenario input",
             source=st.source or "scenario supplier_terms", basis=sup.revenue_basis,
             basis_key="sh.basis.stated" if st.revenue_usd_per_gw is not None else "sh.basis.vendor_content"),
        _row("sh.a.gross_margin", value=st.gross_margin, unit="", kind="scenario input", source=st.source or "scenario"),
        _row("sh.a.opex_ratio", value=st.operating_expense_ratio, unit="", kind="scenario input", source=st.source or "scenario"),
        _row("sh.a.tax_rate", value=st.tax_rate, unit="", kind="scenario input", source=st.source or "scenario",
             note=_en("sh.a.tax_rate_note"), note_key="sh.a.tax_rate_note"),
        _fig(f.diluted_shares, "sh.a.diluted_shares", year=f.base_year),
        _fig(f.eps_usd, "sh.a.base_eps", year=f.base_year),
        _fig(f.revenue_usd, "sh.a.base_revenue", year=f.base_year),
        _fig(f.gross_margin, "sh.a.company_gross_margin", year=f.base_year),
        _fig(f.operating_expense_ratio, "sh.a.company_opex_ratio", year=f.base_year),
        *[_fig(c.eps_usd, "sh.a.consensus_eps", year=c.fiscal_year) for c in f.consensus],
        {"what": _en("sh.a.warrant_shares", ticker=f.ticker), "key": "sh.a.warrant_shares", "params": {"ticker": f.ticker},
         "value": all_shares, "unit": "shares", "kind": "spec",
         "source": ", ".join(f"{w['deal']} {w['shares'] / 1e6:,.0f}M" for w in all_warrants) or "this deal's warrant"},
    ]
    inv = None
    if investment:
        inv = {"invested_usd": investment.total_usd, "valued_at": "cost (no mark-to-market of the buyer's equity is public)",
               "per_vendor_share_usd": investment.total_usd / d, "stake_pct": investment.stake_pct_at_valuation}
    return ShareholderView(
        available=True,
        company=f.name, ticker=f.ticker, exchange=f.exchange, base_year=f.base_year,
        fiscal_year_start_month=fy_start,
        years=rows,
        warrant_value_usd=warrant.value_usd if warrant else None,
        warrant_value_per_existing_share_usd=warrant.value_usd / out_shares if warrant and out_shares else None,
        shares_outstanding=out_shares,
        value_as_of=warrant.valuation_month if warrant else None,
        investment=inv,
        claims=f.claims,
        years_accretive_after_dilution=sum(1 for r in rows if r["accretion_after_dilution_pct"] > 0),
        assumptions=assumptions,
        notes=[_en(k) for k in ("sh.n.consensus", "sh.n.no_consensus", "sh.n.dilution")],
    )


def dilution_view(joint: JointWarrants, issuer: str, market=None) -> DilutionView:
    """``deal ISSUER --all-warrants``: the issuer's base EPS diluted by all its warrants together."""
    from gigawatt.ledger import market as mk
    from gigawatt.model import finance as fin

    m = market or mk.load_market()
    f = mk.financials(issuer, m)
    if f is None:
        return DilutionView(available=False, note=f"no base financials for {issuer!r} in the market file")
    d = f.diluted_shares.x
    consensus = {c.fiscal_year: c.eps_usd.x for c in f.consensus}
    rows = []
    for y, w in joint.expected_vested_shares_by_year_end.items():
        base = consensus.get(f"FY{y}") or f.eps_usd.x
        eps = fin.eps_after_dilution_usd(base, 0.0, d, w)
        rows.append({"fiscal_year": f"FY{y}", "base_eps_usd": base, "base_is": "consensus" if f"FY{y}" in consensus else f"{f.base_year} actual",
                     "warrant_shares_expected": w, "eps_after_dilution_usd": eps, "dilution_pct": fin.accretion_pct(eps, base)})
    return DilutionView(available=True, company=f.name, ticker=f.ticker, exchange=f.exchange, years=rows,
                        warrant_value_per_existing_share_usd=joint.value_usd / joint.shares_outstanding,
                        value_as_of=joint.valuation_month,
                        note="dilution only: the ledger's deals carry no supplier revenue terms, so no incremental income is added")


# ---------------------------------------------------------------------------------------------
# The ``gigawatt deal`` command's analysis, from its options.

def issuer_warrants(issuer: str, opts: PriceOptions, as_of: str | None = None, ledger=None, catalog=None) -> IssuerWarrants:
    """Every ledger warrant on ``issuer`` (as of a date), valued together on common price paths."""
    from gigawatt.analyses.world import build, evaluate
    from gigawatt.catalog import load_catalog
    from gigawatt.ledger import load_ledger

    cat, led = load_catalog(catalog), load_ledger(ledger)
    led.underlying(issuer.lower())  # a clear error for an unknown issuer
    views = [v for v in led.view(as_of) if v.terms.get("warrant") is not None and v.terms["warrant"].issuer == issuer.lower()]
    if not views:
        raise GigawattError(f"no deal in the ledger has a warrant on {issuer!r}")
    result = evaluate(build(led, cat, views, as_of), cat)
    return IssuerWarrants(joint=joint_warrants(result, opts), issuer=issuer.lower(), deals=[v.id for v in views],
                          as_of=as_of or "today",
                          tranche_structure={v.id: v.terms["warrant"].tranches_note.strip() for v in views})


def run_deal(scenario: str, *, price_path: str | None = None, samples: int = 100_000, seed: int = 0, spot: float | None = None,
             as_of: str | None = None, volatility: float | None = None, rate: float | None = None, drift: float | None = None,
             scenario_market: bool = False, fiscal_year_start: int | None = None, currency: str = "USD",
             rental_price: float | None = None, tokens_per_second: float | None = None, catalog=None,
             all_warrants: bool = False) -> DealAnalysis | IssuerWarrants:
    """``gigawatt deal``: check the options, resolve the market inputs (the market file's unless
    ``scenario_market``), and run the deal analysis with the shareholder view and buyer economics
    (or, with ``all_warrants``, value every ledger warrant on the issuer ``scenario`` together)."""
    from dataclasses import replace

    from gigawatt.core.conventions import deal_conventions
    from gigawatt.ledger.market import fx_per_usd, parse_as_of, require_price_for_date, resolve_price_inputs

    for value, bound_name, option in ((volatility, "volatility", "--volatility"), (spot, "share_price_usd", "--spot"),
                                      (drift, "drift", "--drift"), (rate, "rate", "--rate")):
        if value is not None:
            check(bound_name, value, option)
    if price_path and (volatility is not None or drift is not None):
        raise GigawattError("--volatility and --drift shape simulated prices; they mean nothing with --price-path")
    as_of_n = parse_as_of(as_of)
    path = parse_price_path(price_path) if price_path else None
    fx = fx_per_usd(currency)
    if all_warrants:
        kw, info = resolve_price_inputs(scenario.lower(), spot_usd=spot, as_of=as_of_n, volatility=volatility, rate=rate,
                                        default_to_market=not scenario_market)
        out = issuer_warrants(scenario, PriceOptions(path=path, samples=samples, seed=seed, drift=drift, **kw), catalog=catalog)
        return replace(out, shareholder=dilution_view(out.joint, scenario), market_inputs=info, conventions=deal_conventions(), fx=fx)
    from gigawatt.analyses.api import evaluate

    result = evaluate(scenario, catalog_paths=catalog)
    issuer = next((d.supplier.lower() for d in result.scenario.deals if d.warrant is not None), None)
    if scenario_market:
        kw, info = resolve_price_inputs(None, spot_usd=spot, as_of=as_of_n, volatility=volatility, rate=rate)
    else:
        kw, info = resolve_price_inputs(issuer, spot_usd=spot, as_of=as_of_n, volatility=volatility, rate=rate)
        require_price_for_date(info, as_of_n, spot, issuer)
    opts = PriceOptions(path=path, samples=samples, seed=seed, drift=drift, **kw)
    buyer = {"rental_price_usd_per_hour": rental_price, "tokens_per_second": tokens_per_second}
    out = analyse(result, opts, buyer=buyer, fiscal_year_start=fiscal_year_start, market_inputs=info)
    return replace(out, display_currency=fx if currency.upper() != "USD" else None, conventions=deal_conventions())
