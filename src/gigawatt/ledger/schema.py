"""The deal ledger's schema: one file per deal, an event history, every figure with provenance.

A deal file names the parties and the kind of deal, lists its sources once (publisher, date,
tier: primary | major | secondary, URL where known) and gives the events that made and changed
it. Each event may set terms (a patch: a field it names replaces the earlier value; ``unset``
removes one), so the terms of a deal *as of* a date are the events up to that date applied in
order, and every replaced value stays visible in the history.

Every number is a :class:`Figure`: value (or ``unknown: true``), unit, kind (the catalog's:
spec | projection | estimate | measured | derived; "spec" here means a term the parties
stated), the keys of its sources and the date it was known (default: its event's date).
Where sources disagree, ``alternatives`` keeps the other values and ``choice`` says which is
used and why.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gigawatt.catalog.schema import Kind, as_record

Tier = Literal["primary", "major", "secondary"]
Status = Literal["reported", "loi", "definitive", "closed", "scaled-back", "superseded", "paused", "cancelled"]
STATUSES: tuple[str, ...] = ("reported", "loi", "definitive", "closed", "scaled-back", "superseded", "paused", "cancelled")
#: What each status means, for tables and the README.
STATUS_LABELS = {
    "reported": "reported by the press, not confirmed by the parties (rumoured)",
    "loi": "letter of intent, framework or term sheet (not binding)",
    "definitive": "definitive agreement signed",
    "closed": "money paid / transaction closed",
    "scaled-back": "reduced from an earlier size",
    "superseded": "replaced by later terms",
    "paused": "paused",
    "cancelled": "cancelled",
}
EventType = Literal["announced", "reported", "loi", "term-sheet", "definitive", "amended", "expanded", "scaled-back",
                    "superseded", "cancelled", "paused", "closed", "delivered", "update"]
#: The status an event of each type sets, unless the event states its own.
EVENT_STATUS: dict[str, str | None] = {
    "announced": None, "reported": None, "loi": "loi", "term-sheet": "loi", "definitive": "definitive", "amended": None,
    "expanded": None, "scaled-back": "scaled-back", "superseded": "superseded", "cancelled": "cancelled",
    "paused": "paused", "closed": "closed", "delivered": None, "update": None,
}
DealKind = Literal["purchase", "cloud-contract", "equity", "chips-for-equity", "site", "joint-venture", "financing"]
KIND_LABELS = {
    "purchase": "chip/system purchase",
    "cloud-contract": "cloud capacity contract",
    "equity": "equity investment",
    "chips-for-equity": "purchase with warrant (chips for equity)",
    "site": "site / campus",
    "joint-venture": "joint venture",
    "financing": "financing",
}

_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _date_text(v):
    """YAML reads 2026-02-24 as a date; keep dates as text ``YYYY-MM[-DD]``."""
    if v is None:
        return v
    v = str(v)
    if not _DATE.match(v):
        raise ValueError(f"expected a date like 2026-02-24 or 2026-02, got {v!r}")
    import datetime as _dt

    try:  # the pattern lets 2026-13 and 2026-02-30 through
        _dt.date.fromisoformat(v if len(v) == 10 else v + "-01")
    except ValueError:
        raise ValueError(f"no such {'day' if len(v) == 10 else 'month'}: {v!r}") from None
    return v


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(Strict):
    """Where a figure comes from. ``via`` names the page the primary text was seen through."""

    publisher: str
    date: str
    tier: Tier
    url: str | None = None
    via: str | None = None
    title: str | None = None
    note: str | None = None

    _d = field_validator("date", mode="before")(_date_text)


class Alternative(Strict):
    """A conflicting value that is kept but not used."""

    value: float | str | None
    source: list[str] | str
    kind: Kind | None = None
    note: str | None = None


class Figure(Strict):
    """A number (or a month) with its unit and provenance; ``unknown`` when not public."""

    value: float | str | None = None
    unit: str = ""
    kind: Kind | None = None
    source: list[str] | str | None = None
    as_of: str | None = None
    unknown: bool = False
    low: float | None = None
    high: float | None = None
    basis: Literal["facility", "it", "unstated"] | None = Field(None, description="For GW: grid/facility or critical IT power.")
    covers: str | None = Field(None, description="For money: what the amount covers.")
    assumed: bool = Field(False, description="True where the figure is this ledger's assumption, not a public term.")
    alternatives: list[Alternative] = []
    choice: str | None = Field(None, description="Which value is used and why (needed when there are alternatives).")
    note: str | None = None

    _d = field_validator("as_of", mode="before")(_date_text)

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, data):
        return as_record(data)

    @property
    def x(self) -> float | None:
        return float(self.value) if isinstance(self.value, (int, float)) else None

    @property
    def sources(self) -> list[str]:
        return [self.source] if isinstance(self.source, str) else list(self.source or [])

    def text(self, fmt=None) -> str:
        """For people: the value with its unit, or 'unknown as of <date>'."""
        if self.unknown or self.value is None:
            return f"unknown as of {self.as_of}" if self.as_of else "unknown"
        v = fmt(self.value) if fmt and isinstance(self.value, (int, float)) else (
            f"{self.value:,.6g}" if isinstance(self.value, (int, float)) else str(self.value))
        return f"{v} {self.unit}".strip() if not fmt else v

    def public(self) -> dict:
        return self.model_dump(exclude_none=True, exclude_defaults=True) | (
            {"value": self.value} if not self.unknown else {"unknown": True, "value": None})


class LedgerTranche(Strict):
    """How (part of) a deal maps to an engine tranche: a product and a GW (stated, or
    derived from an accelerator count or from the contract's dollars)."""

    label: str
    product: str = Field(description="Catalog accelerator id.")
    gw: Figure | None = None
    accelerators: Figure | None = Field(None, description="An accelerator count; GW follow from the catalog's all-in power.")
    from_contract: bool = Field(False, description="GW from the contract's dollars per year at the ledger's rate for the product.")
    basis: Literal["facility", "it", "unstated"] = "unstated"
    start: str
    ramp_months: int = Field(12, ge=0, le=240)
    shape: Literal["linear", "s-curve", "step"] = "linear"
    site: str | None = Field(None, description="Id of a ledger site entry this tranche is built at.")
    contract_usd: Figure | None = Field(None, description="With from_contract: the part of the deal's value that buys capacity (default: all of it).")
    assumed: bool = Field(False, description="True where the split, timing or product is this ledger's assumption.")
    note: str | None = None

    @model_validator(mode="after")
    def _one_size(self):
        given = [k for k in ("gw", "accelerators") if getattr(self, k) is not None] + (["from_contract"] if self.from_contract else [])
        if len(given) != 1:
            raise ValueError(f"give exactly one of gw, accelerators or from_contract: true (got {', '.join(given) or 'none'})")
        return self


class WarrantTranche(Strict):
    shares: int = Field(gt=0)
    gw: float = Field(ge=0)
    price_hurdle_usd: float = Field(ge=0)
    products: list[str] | None = None


class WarrantTerms(Strict):
    """A warrant on the seller's shares vesting on delivered GW and share-price hurdles."""

    issuer: str = Field(description="Id of the underlying in the ledger's market file, e.g. amd.")
    shares: Figure
    strike_usd: Figure
    issued: Figure
    expiry: Figure
    shares_outstanding: Figure
    first_tranche_gw: Figure
    full_vest_gw: Figure
    final_hurdle_usd: Figure
    first_tranche_products: list[str] | None = None
    tranches: list[WarrantTranche] = Field(description="The tranche structure used to value it; flagged assumed where not public.")
    tranches_assumed: bool = True
    tranches_note: str


class Equity(Strict):
    investor: str
    amount_usd: Figure
    upfront_usd: Figure | None = None
    contingent_usd: Figure | None = None
    valuation_usd: Figure | None = None
    stake_pct: Figure | None = None
    tied_to_deployment: bool = False
    conditions: str | None = None


class Financing(Strict):
    what: str
    amount_usd: Figure
    parties: str | None = None
    note: str | None = None


class Terms(Strict):
    """What an event sets. Every field is optional; a later event's field replaces the earlier one."""

    gw: Figure | None = None
    value_usd: Figure | None = None
    term_years: Figure | None = None
    start: Figure | None = None
    end: Figure | None = None
    accelerators: Figure | None = None
    hardware: list[str] | None = Field(None, description="Catalog ids of the hardware the deal names.")
    tranches: list[LedgerTranche] | None = None
    warrant: WarrantTerms | None = None
    equity: list[Equity] | None = None
    investment_per_gw: Figure | None = None
    investment_cap_usd: Figure | None = None
    prepayment: Figure | None = None
    financing: list[Financing] | None = None
    sites: list[str] | None = None


TERM_LABELS = {
    "gw": "Capacity", "value_usd": "Value", "term_years": "Term", "start": "Delivery start", "end": "Delivery end",
    "accelerators": "Accelerators", "hardware": "Hardware", "tranches": "Engine tranches", "warrant": "Warrant",
    "equity": "Equity", "investment_per_gw": "Vendor investment per GW", "investment_cap_usd": "Investment cap",
    "prepayment": "Prepayment", "financing": "Financing", "sites": "Sites",
}


class Event(Strict):
    date: str
    type: EventType
    status: Status | None = Field(None, description="The deal's status after this event (default: from the type).")
    summary: str
    sources: list[str] = Field(min_length=1)
    terms: Terms | None = None
    unset: list[str] = Field([], description="Term fields this event removes (e.g. a superseded investment).")

    _d = field_validator("date", mode="before")(_date_text)

    @field_validator("unset")
    @classmethod
    def _known(cls, v):
        bad = [k for k in v if k not in Terms.model_fields]
        if bad:
            raise ValueError(f"unknown term fields {bad}; valid: {', '.join(Terms.model_fields)}")
        return v


class Observation(Strict):
    """Reported delivered or energised capacity, to set against the model's timeline."""

    date: str
    metric: Literal["online_gw", "accelerators", "buildings", "contracted_gw"]
    value: Figure
    basis: Literal["facility", "it", "unstated"] = "unstated"
    what: str
    scope: Literal["deal", "buyer"] = Field("deal", description="buyer: a statement about all of the buyer's capacity.")
    confirmed: bool = Field(True, description="False for a single unverified source or a target, not an observation.")

    _d = field_validator("date", mode="before")(_date_text)


class Within(Strict):
    """This entry's capacity is part of another entry's (a site serving a contract, a contract
    served from a site): when both are selected it is counted once, in the container."""

    id: str
    note: str


class DealEntry(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    buyer: str
    seller: str
    kind: DealKind
    within: Within | None = None
    note: str | None = None
    sources: dict[str, Source] = Field(min_length=1)
    events: list[Event] = Field(min_length=1)
    observations: list[Observation] = []

    @model_validator(mode="after")
    def _ordered(self):
        dates = [e.date for e in self.events]
        if dates != sorted(dates):
            raise ValueError(f"events must be in date order, got {dates}")
        return self


class Rate(Strict):
    """A conversion rate from contract dollars to GW for the named hardware."""

    id: str
    name: str
    products: list[str]
    usd_per_gw_year: Figure
    sources: dict[str, Source]


class PricePoint(Strict):
    date: str
    usd: float = Field(gt=0)
    kind: Kind
    source: str
    note: str | None = None

    _d = field_validator("date", mode="before")(_date_text)


class Underlying(Strict):
    id: str
    name: str
    prices: list[PricePoint] = Field(min_length=1)
    shares_outstanding: Figure
    volatility: Figure
    risk_free_rate: Figure
    sources: dict[str, Source]


class LeadTime(Strict):
    id: str
    name: str
    months: Figure
    applies: str = Field(description="Which tranches it bears on.")
    sources: dict[str, Source]


class ConsensusYear(Strict):
    """Analysts' consensus for one fiscal year (sell-side, as aggregated by the source)."""

    fiscal_year: str
    revenue_usd: Figure
    eps_usd: Figure


class Financials(Strict):
    """A listed company's base financials (the last reported fiscal year) and consensus, for the
    investor view (``gigawatt deal``'s shareholder section). Overridable with a user market file."""

    id: str = Field(description="Lower-case id; a deal's supplier name lower-cased, e.g. amd.")
    name: str
    ticker: str
    exchange: str
    fiscal_year_end_month: int = Field(12, ge=1, le=12)
    base_year: str = Field(description="The fiscal year the base figures are for, e.g. FY2025.")
    revenue_usd: Figure
    gross_margin: Figure
    operating_expense_ratio: Figure
    eps_usd: Figure = Field(description="Non-GAAP diluted EPS of the base year.")
    diluted_shares: Figure
    consensus: list[ConsensusYear] = []
    claims: list[dict] = Field([], description="What the company said about a deal's effect: {text, date, source}.")
    sources: dict[str, Source]


class RentalPrice(Strict):
    """A market price for renting one accelerator for an hour, by generation (hardware-2026 3c)."""

    id: str
    product: str = Field(description="Catalog product id, e.g. h100-sxm.")
    term: str = Field(description="on-demand, 1-year reserved, owner cost basis, ...")
    usd_per_gpu_hour: Figure
    sources: dict[str, Source]


class FxPoint(Strict):
    date: str
    per_usd: float = Field(gt=0, description="Units of the currency per US dollar.")
    kind: Kind
    source: str
    note: str | None = None

    _d = field_validator("date", mode="before")(_date_text)


class Fx(Strict):
    """A dated exchange-rate series against the US dollar (money entered as '15 JPY/kWh')."""

    id: str
    currency: str = Field(description="ISO code, e.g. JPY.")
    name: str
    points: list[FxPoint] = Field(min_length=1)
    sources: dict[str, Source]


class MarketFile(Strict):
    underlyings: list[Underlying] = []
    rates: list[Rate] = []
    lead_times: list[LeadTime] = []
    financials: list[Financials] = []
    fx: list[Fx] = []
    gpu_rental_prices: list[RentalPrice] = []
