"""Uncertain inputs: distributions, the Gaussian copula, and applying draws to engine inputs.

A variable's draw is made from a uniform through its inverse CDF, so correlated uniforms
from a Gaussian copula give correlated inputs with the stated marginals. Draws come in
fixed blocks of samples, each from its own ``SeedSequence`` child, so a run gives the same
numbers whatever the chunk size or the number of workers.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from gigawatt.core import registry
from gigawatt.core.bounds import BOUNDS, plain_number
from gigawatt.catalog import suggest
from gigawatt.core.errors import GigawattError, Problem, ValidationFailure
from gigawatt.model.ramp import start_month
from gigawatt.scenario.inputs import INPUT_UNITS, Inputs
from gigawatt.scenario.spec import Distribution, Scenario

BLOCK = 256  # samples per random block; chunk sizes are rounded up to a multiple of it

#: Friendly names for common uncertain inputs: (engine fields, default operation).
ALIASES: dict[str, tuple[tuple[str, ...], str]] = {
    "start_delay_months": (("requested_offset",), "add"),
    "capex_multiplier": (("system_price_usd", "facility_usd_per_mw_it", "land_usd_per_mw_it"), "multiply"),
    "system_price_multiplier": (("system_price_usd",), "multiply"),
    "electricity_price": (("usd_per_mwh",), "set"),
    "electricity_price_multiplier": (("usd_per_mwh",), "multiply"),
    "gw_multiplier": (("gw_stated",), "multiply"),
    # 0 or 1 (a discrete draw with p = the deal's status weight): whether a ledger deal completes.
    "deal_completes": (("gw_stated",), "multiply"),
    "power_multiplier": (("it_w_per_accel",), "multiply"),
}
#: Inputs of the deal valuation, not of the engine.
DEAL_FIELDS = ("share_price_volatility", "share_price_spot")
#: What a person reads for each alias and deal input: (English, Japanese).
ALIAS_LABELS: dict[str, tuple[str, str]] = {
    "start_delay_months": ("Start delay (months)", "開始の遅れ（月）"),
    "capex_multiplier": ("Capex multiplier", "設備投資の倍率"),
    "system_price_multiplier": ("System price multiplier", "システム価格の倍率"),
    "electricity_price": ("Electricity price", "電力価格"),
    "electricity_price_multiplier": ("Electricity price multiplier", "電力価格の倍率"),
    "gw_multiplier": ("GW multiplier", "GWの倍率"),
    "power_multiplier": ("Power per accelerator multiplier", "アクセラレータ当たり電力の倍率"),
    "deal_completes": ("Deal completes (0 or 1)", "案件の完了（0または1）"),
    "share_price_volatility": ("Share price volatility", "株価ボラティリティ"),
    "share_price_spot": ("Share price", "株価"),
}


def ppf(dist: Distribution, u: np.ndarray) -> np.ndarray:
    """Inverse CDF of ``dist`` at uniforms ``u`` (truncated to [low, high] where given)."""
    from scipy.special import ndtr, ndtri  # scipy.special, not scipy.stats: no slow import

    u = np.asarray(u, float)
    t = dist.type
    if t == "fixed":
        return np.full_like(u, dist.value)
    if t == "uniform":
        return dist.low + u * (dist.high - dist.low)
    if t == "triangular":
        a, c, b = dist.low, dist.mode, dist.high
        cut = (c - a) / (b - a)
        return np.where(u < cut, a + np.sqrt(u * (b - a) * (c - a)), b - np.sqrt((1 - u) * (b - a) * (b - c)))
    if t == "pert":
        width = dist.high - dist.low
        alpha = 1 + 4 * (dist.mode - dist.low) / width
        beta = 1 + 4 * (dist.high - dist.mode) / width
        return dist.low + width * beta_ppf(alpha, beta, u)
    if t == "discrete":
        cum = np.cumsum(dist.probs)
        idx = np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
        return np.asarray(dist.values, float)[idx]
    # normal / lognormal: truncate in the normal space, on the side of the centre where the
    # CDF keeps its precision (far upper tails are mirrored into lower tails).
    if t == "normal":
        mu, sd, to_z, back = dist.mean, dist.sd, (lambda x: x), (lambda z: z)
    else:
        mu, sd, to_z, back = np.log(dist.median), dist.sigma, np.log, np.exp
    a = (to_z(dist.low) - mu) / sd if dist.low is not None and (t == "normal" or dist.low > 0) else -np.inf
    b = (to_z(dist.high) - mu) / sd if dist.high is not None else np.inf
    if a > 0:  # both bounds above the centre: sample the mirror image
        lo, hi = ndtr(-b), ndtr(-a)
        z = -ndtri(np.clip(hi - u * (hi - lo), 1e-300, 1 - 1e-16))
    else:
        lo, hi = ndtr(a), ndtr(b)
        z = ndtri(np.clip(lo + u * (hi - lo), 1e-300, 1 - 1e-16))
    x = back(mu + sd * np.clip(z, a, b))
    return x


#: Cells of the tabulated beta quantile that :func:`beta_ppf` starts its Newton steps from.
BETA_TABLE_CELLS = 1 << 14


@functools.lru_cache(maxsize=32)
def _beta_table(a: float, b: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quantiles at the cell edges and their slopes (1 / density; infinite where it is 0)."""
    from scipy.special import betaincinv, betaln

    u = np.linspace(0.0, 1.0, BETA_TABLE_CELLS + 1)
    x = betaincinv(a, b, u)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        slope = np.exp(betaln(a, b) - (a - 1.0) * np.log(x) - (b - 1.0) * np.log1p(-x))
    return u, x, slope


def beta_ppf(a: float, b: float, u: np.ndarray) -> np.ndarray:
    """The beta(a, b) quantile at uniforms ``u``: ``scipy.special.betaincinv`` to rounding, ~4x faster.

    A start from a table of exact quantiles and their slopes (cubic Hermite between
    :data:`BETA_TABLE_CELLS` cells, made once per shape), then Newton steps on the regularised incomplete beta function, kept
    inside the start's bracket; a point is done when what its last step leaves (quadratic
    convergence: ~ step^2 f''/2f') is far below rounding. Most points take
    one step (one ``betainc``, a quarter of ``betaincinv``'s cost); the end cells, where the
    quantile is not smooth, and any point not done in a few steps use ``betaincinv`` itself.
    """
    from scipy.special import betainc, betaincinv, betaln

    u = np.asarray(u, float)
    if a == 1.0 or b == 1.0:  # closed forms: betaincinv is fast there
        return betaincinv(a, b, u)
    if u.ndim != 1:
        return beta_ppf(a, b, u.ravel()).reshape(u.shape)
    gu, gx, gd = _beta_table(float(a), float(b))
    n = len(gu) - 1
    with np.errstate(invalid="ignore"):
        cell = np.floor(u * n)
    inner = (cell >= 1) & (cell <= n - 2)  # False for NaN too
    x = np.empty_like(u)
    edge = ~inner
    if edge.any():
        x[edge] = betaincinv(a, b, u[edge])
    idx = np.flatnonzero(inner)
    if len(idx) == 0:
        return x
    c = cell[idx].astype(np.int64)
    uu = u[idx]
    lo, hi = gx[c - 1], gx[c + 2]  # the quantile lies within (cells either side: u * n may round across a cell edge)
    t = uu * n - c
    t2, t3 = t * t, t * t * t
    xx = ((2 * t3 - 3 * t2 + 1) * gx[c] + (3 * t2 - 2 * t3) * gx[c + 1]
          + ((t3 - 2 * t2 + t) * gd[c] + (t3 - t2) * gd[c + 1]) / n)
    xx = np.minimum(np.maximum(xx, lo), hi)
    log_beta = betaln(a, b)
    for _ in range(6):
        dens = np.exp((a - 1.0) * np.log(xx) + (b - 1.0) * np.log1p(-xx) - log_beta)
        step = (betainc(a, b, xx) - uu) / dens
        new = np.minimum(np.maximum(xx - step, lo), hi)
        # What is left after a Newton step is ~ step^2 f''/2f' (f = the incomplete beta, f''/f' =
        # (a-1)/x - (b-1)/(1-x)): done when that is below a tenth of the rounding of x.
        done = step * step * (abs(a - 1.0) / xx + abs(b - 1.0) / (1.0 - xx)) <= 2e-17 * np.minimum(xx, 1.0 - xx)
        x[idx[done]] = new[done]
        keep = ~done
        if not keep.any():
            return x
        idx, uu, xx, lo, hi = idx[keep], uu[keep], new[keep], lo[keep], hi[keep]
    x[idx] = betaincinv(a, b, u[idx])
    return x


@dataclass
class Variable:
    """A compiled uncertain variable: where its draws go."""

    name: str
    dist: Distribution
    per_tranche: bool
    targets: list[tuple[tuple[str, ...], str, np.ndarray]]  # (fields, op, tranche indices)
    deal_field: str | None = None
    columns: int = 1

    def describe(self) -> dict:
        return {"name": self.name, "dist": self.dist.model_dump(exclude_none=True), "per_tranche": self.per_tranche,
                "targets": [{"fields": list(f), "op": op, "tranches": idx.tolist()} for f, op, idx in self.targets]
                + ([{"deal_input": self.deal_field}] if self.deal_field else [])}


def compile_variables(scenario: Scenario, inputs: Inputs, source: str = "<scenario>") -> list[Variable]:
    """Resolve ``scenario.uncertainty`` against the tranches; every problem at once."""
    problems: list[Problem] = []
    out: list[Variable] = []
    valid = sorted(set(INPUT_UNITS) | set(ALIASES) | set(DEAL_FIELDS))
    for i, u in enumerate(scenario.uncertainty):
        targets, deal_field = [], None
        for j, t in enumerate(u.targets):
            path = f"uncertainty[{i}].targets[{j}]"
            if t.field in DEAL_FIELDS:
                deal_field = t.field
                continue
            if t.field in ALIASES:
                fields, op = ALIASES[t.field]
            elif t.field in INPUT_UNITS:
                fields, op = (t.field,), "set"
            else:
                problems.append(Problem(f"{path}.field", f"unknown input {t.field!r}{suggest(t.field, valid)}"))
                continue
            op = t.op or op
            products = [t.product] if isinstance(t.product, str) else t.product
            idx = np.array([tr.index for tr in inputs.tranches
                            if (products is None or tr.product in products) and (t.vendor is None or tr.vendor == t.vendor)
                            and (t.deal is None or tr.deal == t.deal) and (t.tranche is None or tr.label == t.tranche)], dtype=np.int64)
            if len(idx) == 0:
                problems.append(Problem(path, "matches no tranche (check product, vendor, deal and tranche names)"))
                continue
            targets.append((fields, op, idx))
        n_cols = 1
        if u.per_tranche:
            sizes = {len(idx) for _, _, idx in targets}
            if len(sizes) > 1 or deal_field:
                problems.append(Problem(f"uncertainty[{i}]", "per_tranche needs all targets to match the same tranches"))
            n_cols = sizes.pop() if sizes else 1
        out.append(Variable(u.name, u.dist, u.per_tranche, targets, deal_field, n_cols))
    if problems:
        raise ValidationFailure(source, problems)
    if getattr(scenario, "catalog_ranges", False):
        # First, so a scenario's own `set` on the same input (applied later) still wins.
        out = catalog_range_variables(inputs) + out
    return out


#: Inputs proportional to a catalog number they are derived from (so a ratio draw scales them).
PROPORTIONAL_PARTS = {"it_w_per_accel": "system_power", "rack_kw": "system_power", "packages_per_wafer": "packages"}


def catalog_range_variables(inputs: Inputs) -> list[Variable]:
    """One variable per catalog number with a ``low``/``high`` range that this run uses.

    The default distribution is PERT with the catalog value as its mode and the range as its
    ends, drawn as a ratio to the catalog value (low/value, 1, high/value) and applied with
    ``multiply`` to every tranche input that value set — directly (PUE, prices, FLOP/s, life
    in years x 12) or in proportion (system power into all-in W per accelerator and rack kW).
    The provenance of each input says which tranches use which fact, so nothing is restated.
    """
    found: dict[tuple, dict] = {}
    for t, origins in enumerate(inputs.origins):
        for name, o in origins.items():
            leaf = o
            if o.get("from") == "derived" and name in PROPORTIONAL_PARTS:
                leaf = o["parts"].get(PROPORTIONAL_PARTS[name], {})
            if leaf.get("from") != "catalog" or leaf.get("low") is None or leaf.get("high") is None:
                continue
            value = leaf.get("value")
            if not isinstance(value, (int, float)) or value <= 0 or not leaf["low"] < leaf["high"] or not leaf["low"] <= value <= leaf["high"]:
                continue
            key = (leaf["section"], leaf["id"], leaf["field"])
            entry = found.setdefault(key, {"value": float(value), "low": float(leaf["low"]), "high": float(leaf["high"]), "targets": {}})
            entry["targets"].setdefault(name, []).append(t)
    out = []
    for (section, entry_id, field_name), e in found.items():
        mode = 1.0
        lo, hi = e["low"] / e["value"], e["high"] / e["value"]
        if not lo < mode < hi:  # the value sits at an end of its range: a triangular ramp from that end
            mode = min(max(mode, lo), hi)
        dist = Distribution(type="pert", low=lo, mode=mode, high=hi)
        targets = [((name,), "multiply", np.array(sorted(set(idx)), dtype=np.int64)) for name, idx in e["targets"].items()]
        out.append(Variable(f"catalog.{section}.{entry_id}.{field_name}", dist, False, targets))
    return out


def variable_label(v: Variable, inputs: Inputs, lang: str = "en", product_names: dict | None = None) -> str:
    """What an uncertain variable moves, for people: ``"Start delay (months) — MI450 (OpenAI-AMD)"``.

    Built from what it targets (an alias, an input's registry label, or a deal input) and the
    tranches it reaches, not from its identifier, which is the scenario author's shorthand.
    """
    from gigawatt.core.i18n import label

    ja = lang == "ja"
    words = []
    for fields, op, idx in v.targets:
        alias = next((a for a, (fs, o) in ALIASES.items() if fs == fields), None)
        what = ALIAS_LABELS[alias][ja] if alias else label(fields[0], lang, role="input")
        if not alias and op == "multiply":
            what += " ×" if not ja else "（倍率）"
        elif not alias and op == "add":
            what += " +" if not ja else "（加算）"
        names = product_names or {}
        scope = sorted({f"{names.get(inputs.tranches[i].product, inputs.tranches[i].product)} ({inputs.tranches[i].deal})" for i in idx})
        words.append(what + (" — " + ", ".join(scope[:3]) + (" …" if len(scope) > 3 else "") if scope else ""))
    if v.deal_field:
        words.append(ALIAS_LABELS[v.deal_field][ja])
    if v.name.startswith("catalog."):  # a catalog range: say which number it is
        words = [f"{w} [{v.name[len('catalog.'):]}]" for w in words]
    return "; ".join(dict.fromkeys(words)) or v.name


def column_layout(variables: list[Variable]) -> list[slice]:
    """Columns of the draw matrix that belong to each variable."""
    out, at = [], 0
    for v in variables:
        out.append(slice(at, at + v.columns))
        at += v.columns
    return out


def cholesky(scenario: Scenario, variables: list[Variable]):
    """(column indices, lower Cholesky factor) of the copula, or None."""
    c = scenario.correlation
    if c is None:
        return None
    layout = {v.name: sl.start for v, sl in zip(variables, column_layout(variables))}
    cols = np.array([layout[n] for n in c.names])
    m = np.array(c.matrix, float)
    # A tiny ridge lets semi-definite (perfectly correlated) matrices factor.
    return cols, np.linalg.cholesky(m + 1e-12 * np.eye(len(m)))


def uniforms(seed: int, first_block: int, n_blocks: int, n_cols: int, copula) -> np.ndarray:
    """Uniform draws ``(n_blocks * BLOCK, n_cols)``, block ``b`` from ``SeedSequence(seed, spawn_key=(b,))``."""
    from scipy.special import ndtr

    parts = []
    for b in range(first_block, first_block + n_blocks):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b,)))
        parts.append(rng.standard_normal((BLOCK, n_cols)))
    z = np.concatenate(parts) if parts else np.zeros((0, n_cols))
    if copula is not None:
        cols, chol = copula
        z[:, cols] = z[:, cols] @ chol.T
    return ndtr(z)


def draw(variables: list[Variable], u: np.ndarray) -> np.ndarray:
    """Variable values from uniforms, column by column."""
    x = np.empty_like(u)
    for v, sl in zip(variables, column_layout(variables)):
        x[:, sl] = ppf(v.dist, u[:, sl])
    return x


#: Inputs counted in whole months (rounded after sampling, like compile_inputs rounds them).
WHOLE_MONTHS = ("it_life_months", "facility_life_months")


def apply(inputs: Inputs, variables: list[Variable], x: np.ndarray) -> tuple[Inputs, dict[str, np.ndarray]]:
    """Inputs with ``len(x)`` samples, each changed by its draws; plus draws for deal inputs."""
    samples = inputs.with_samples(len(x))
    deal: dict[str, np.ndarray] = {}
    for v, sl in zip(variables, column_layout(variables)):
        vals = x[:, sl]  # (n, 1) shared, or (n, matched) per tranche
        for fields, op, idx in v.targets:
            for f in fields:
                arr = samples.p[f]
                if op == "set":
                    arr[:, idx] = vals
                elif op == "add":
                    arr[:, idx] += vals
                else:
                    arr[:, idx] *= vals
        if v.deal_field:
            deal[v.deal_field] = vals[:, 0]
    p = samples.p
    # Useful lives are whole months, as compile_inputs makes them (the engine retires and writes
    # off by month): a sampled 59.7-month life would otherwise write off only part of the capex.
    for f in WHOLE_MONTHS:
        np.rint(p[f], out=p[f])
    p["start_offset"] = start_month(p["requested_offset"], p["grid_ready_offset"])
    _check_ranges(variables, p, deal)
    return samples, deal


#: Which bound (see :mod:`gigawatt.core.bounds`) each sampled engine or deal input must keep: the
#: registry's for engine inputs, and the underlying's for the deal valuation's.
SAMPLED_BOUNDS: dict[str, str] = {**registry.bounds_of_inputs(), "share_price_volatility": "volatility",
                                  "share_price_spot": "share_price_usd"}
RANGES: dict[str, tuple[float, float]] = {f: tuple(BOUNDS[b][:2]) for f, b in SAMPLED_BOUNDS.items()}


def _check_ranges(variables: list[Variable], p: dict, deal: dict) -> None:
    for v in variables:
        fields = [f for fs, _, _ in v.targets for f in fs] + ([v.deal_field] if v.deal_field else [])
        for f in fields:
            lo, hi = RANGES.get(f, (-1e15, 1e15))  # unlisted inputs: finite, and far from overflow
            vals = deal[f] if f in deal else p[f]
            if not np.all(np.isfinite(vals)) or np.any(vals < lo) or np.any(vals > hi):
                raise GigawattError(f"uncertainty {v.name!r} makes {f} go to {float(vals.min()):.4g}..{float(vals.max()):.4g}, outside "
                                    f"the valid {plain_number(lo)} to {plain_number(hi)}; bound its distribution with low/high")
