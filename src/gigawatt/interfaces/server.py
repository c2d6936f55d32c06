"""``gigawatt serve``: a local web app (FastAPI) over the same API as the CLI.

Endpoints under ``/api`` (the OpenAPI document at ``/openapi.json``): catalog, built-in and saved scenarios
(versioned saves: a stale version is refused with 409), evaluate, compare, a Monte Carlo,
and a quick edit of one field. ``/`` serves the page, which works offline (Plotly is served
from the installed package).

Safety model (see the README): a request never makes the server touch the filesystem
(scenarios come from the request body, the saved-scenario store or the built-ins, by name);
every input is bounded (body size, YAML size/aliases/depth, numeric ranges, tranches, Monte
Carlo work), and a request body takes only its declared fields and finite numbers; built-in
scenario names are reserved (never saved over); heavy requests run in a small pool with a
time limit and stop when cancelled; the Host header must name this server (DNS rebinding),
an optional bearer token guards ``/api``, and pages are sent with a Content-Security-Policy. User mistakes are 4xx with a
message, never a 500.
"""
from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import os
import secrets
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Literal, NamedTuple

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gigawatt.core.bounds import BOUNDS, bound, check_finite, first_non_finite
from gigawatt.core.errors import GigawattError, ValidationFailure
from gigawatt.scenario.store import Store, StoreError

MAX_BODY = 256 * 1024
WEB_DIR = Path(__file__).parent / "web"
#: Monte Carlo work one request may ask for: samples x tranches x months (~4 s here at the cap).
MC_BUDGET_CELLS = 50_000_000
#: Seconds a heavy request may run before it is stopped (504).
HEAVY_TIME_LIMIT_S = 60.0
#: Nesting allowed in a JSON value sent to /api/edit.
MAX_VALUE_DEPTH = 16
#: Evaluate results kept per process (by a hash of the resolved scenario), and for how long.
EVAL_CACHE_SIZE = 256
EVAL_CACHE_TTL_S = 600.0
#: Environment variable carrying `gigawatt serve`'s options to each worker process (JSON).
OPTIONS_ENV = "GIGAWATT_SERVE_OPTIONS"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin")]


class ErrorBody(BaseModel):
    """Every 4xx: a message, and for a scenario with mistakes, one entry per problem."""

    error: str
    problems: list[dict] = []


ERRORS = {code: {"model": ErrorBody, "description": text} for code, text in (
    (400, "Bad request (e.g. a Host header that does not name this server)"), (401, "Missing or wrong bearer token"),
    (404, "No such scenario or catalog entry"),
    (409, "The saved scenario changed meanwhile (stale version), or the name is a built-in scenario's"),
    (413, "Request body or requested work over its limit"), (422, "Invalid input: the problems say where"),
    (503, "Too many heavy requests running; retry shortly"), (504, "The request ran over its time limit and was stopped"))}


def _responses(*codes: int) -> dict:
    return {c: ERRORS[c] for c in (400, 401, 413, 422, *codes)}


def _depth(value, limit: int) -> int:
    """Nesting depth of a JSON value, counted iteratively (stops once over ``limit``)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            return deepest
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return deepest


Lang = Literal["en", "ja"]
LANG_QUERY = Query(None, description="Language of labels and titles: en (default) or ja; a body's `lang` wins.")
Currency = Literal["USD", "JPY"]
CURRENCY_QUERY = Query(None, description="Currency money is shown in: USD (default) or JPY, at the market file's dated rate "
                                         "(stated in the reply's `fx`: per_usd, date, source).")


class _Body(BaseModel):
    """A request body: unknown fields are refused (422 naming them), as in scenario YAML, so a
    misspelt option is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Source(_Body):
    """A scenario to work on: YAML text, or the name of a saved or built-in scenario."""

    yaml: str | None = Field(None, max_length=MAX_BODY)
    name: str | None = Field(None, max_length=64)
    lang: Lang | None = Field(None, description="Language of labels and titles (en, ja); or the `lang` query parameter.")


class SaveBody(_Body):
    yaml: str = Field(max_length=MAX_BODY)
    version: int = Field(0, ge=0, le=2**62, description="The version this save is based on (0 for a new scenario).")


class EditBody(_Body):
    yaml: str = Field(max_length=MAX_BODY)
    path: list[str | int] = Field(min_length=1, max_length=12, description="e.g. [\"deals\", 0, \"tranches\", 1, \"gw\"]")
    value: Any

    @field_validator("path")
    @classmethod
    def _short_keys(cls, v):
        if any(isinstance(p, str) and len(p) > 64 for p in v) or any(isinstance(p, int) and not 0 <= p < 10_000 for p in v):
            raise ValueError("path entries are field names (up to 64 characters) or list positions 0..9999")
        return v

    @field_validator("value")
    @classmethod
    def _shallow(cls, v):
        if _depth(v, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH:
            raise ValueError(f"value is nested more than {MAX_VALUE_DEPTH} levels deep")
        return v


class CompareBody(_Body):
    a: Source
    b: Source
    lang: Lang | None = Field(None, description="Language of labels (en, ja); or the `lang` query parameter.")


class DealBody(Source):
    samples: int = Field(4000, ge=100, le=20_000, description="Simulated share-price paths for the warrant.")
    seed: int = Field(0, ge=int(BOUNDS["seed"][0]), le=int(BOUNDS["seed"][1]), description="Random seed, 0 or more.")
    spot_usd: float | None = Field(None, **bound("share_price_usd"), description="Share price of the warrant's underlying (default: the market file's).")
    volatility: float | None = Field(None, **bound("volatility"), description="Annual volatility (default: the market file's).")
    rate: float | None = Field(None, **bound("rate"), description="Risk-free rate per year (default: the market file's).")
    as_of: str | None = Field(None, pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="Valuation date, YYYY-MM or YYYY-MM-DD "
                                                                             "(default: the spot's date, or this month for a given spot).")


class SupplyBody(Source):
    case: Literal["low", "base", "high"] = Field("base", description="World capacity case.")
    share: float | None = Field(None, gt=0, le=1, description="Allocable share of world supply (default: the catalog's).")
    constrained: bool = Field(True, description="Also run the schedule supply allows and report each tranche's slip.")


class ExplainBody(Source):
    field: str = Field(max_length=64, pattern=r"^[a-z0-9_]+$", description="An output (facility_mw, capex_usd ...) or an input (pue ...).")
    tranche: int = Field(0, ge=0, le=10_000, description="Which tranche (0 = the first).")
    role: Literal["input", "nameplate", "series"] | None = Field(None, description="Where a name is both an input and an output.")


class McBody(Source):
    samples: int = Field(2000, ge=1, le=20_000)
    seed: int = Field(0, ge=int(BOUNDS["seed"][0]), le=int(BOUNDS["seed"][1]), description="Random seed, 0 or more.")


class _InvalidBody(HTTPException):
    """A 422 raised while the body is parsed (FastAPI passes an HTTPException through)."""

    def __init__(self, message: str, problems: list[dict]):
        super().__init__(422, message)
        self.problems = problems


class _FiniteJSONRequest(Request):
    """A request whose JSON body may hold only finite numbers: Python's parser takes NaN,
    Infinity and 1e999, which JSON does not have and which no field here can use."""

    async def json(self) -> Any:
        data = await super().json()
        bad = first_non_finite(data)
        if bad is not None:
            message = "must be a finite number (JSON has no NaN or Infinity)"
            raise _InvalidBody(f"invalid request: {bad}: {message}", [{"path": bad, "message": message, "line": None}])
        return data


class _Route(APIRoute):
    """Every API route parses its body with :class:`_FiniteJSONRequest`."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def finite_json(request: Request) -> Response:
            return await handler(_FiniteJSONRequest(request.scope, request.receive))

        return finite_json


def _fields_at(request: Request, loc: tuple) -> list[str]:
    """Names of the fields the request body model takes where ``loc`` (after ``body``) points."""
    params = getattr(getattr(request.scope.get("route"), "dependant", None), "body_params", None) or []
    model = params[0].field_info.annotation if len(params) == 1 else None
    for part in loc[:-1]:
        field = getattr(model, "model_fields", {}).get(part)
        model = field.annotation if field is not None else None
    return list(getattr(model, "model_fields", {}))


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """``'[::1]:8000'`` → ``'::1'``; ``'Example.com:80'`` → ``'example.com'``."""
    h = header.strip().lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


class Guard:
    """ASGI middleware in front of everything: body limit (413), Host check against DNS
    rebinding (400), bearer token on ``/api`` (401), and security headers on every response."""

    def __init__(self, app, token: str | None, hosts: set[str]):
        self.app, self.token, self.hosts = app, token, hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        host = _host_name(headers.get(b"host", b"").decode("latin-1"))
        if not (host in self.hosts or is_loopback(host)):
            return await _reply(send, 400, "this server answers only to its own host names (loopback or --allow-host); "
                                           "the Host header named another")
        path = scope.get("path", "")
        if self.token is not None and path.startswith("/api"):
            auth = headers.get(b"authorization", b"").decode("latin-1")
            given = auth[7:] if auth[:7].lower() == "bearer " else ""
            if not secrets.compare_digest(given.encode(), self.token.encode()):
                return await _reply(send, 401, "this server needs a token: send 'Authorization: Bearer TOKEN' "
                                               "(the page takes it from the URL that `gigawatt serve` printed)",
                                    [(b"www-authenticate", b"Bearer")])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
            return await _reply(send, 413, f"request body over {MAX_BODY // 1024} KiB")
        head = scope.get("method") == "HEAD"
        if head:  # answered as the GET would be, without its body (link checkers, `curl -I`)
            scope = {**scope, "method": "GET"}
        seen, over, started = 0, False, False
        csp = CSP.encode()

        async def counted():
            nonlocal seen, over
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:  # a chunked body, or one longer than its Content-Length said
                over = True
                raise _TooLarge()
            return message

        async def secured(message):
            nonlocal started
            if over:
                return  # whatever the app made of the cut-off body (FastAPI: a 400), the answer is the 413 below
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), (b"content-security-policy", csp), *SECURITY_HEADERS]}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, counted, secured)
        except Exception:
            if not over:
                raise
        if over and not started:
            await _reply(send, 413, f"request body over {MAX_BODY // 1024} KiB")


class _TooLarge(Exception):
    pass


async def _reply(send, status: int, message: str, extra: list | None = None):
    body = json.dumps({"error": message, "problems": []}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-security-policy", CSP.encode()),
                            *SECURITY_HEADERS, *(extra or [])]})
    await send({"type": "http.response.body", "body": body})


class _Cancelled(Exception):
    """Raised inside a heavy job when its request timed out or its client left."""


class HeavyPool:
    """A small pool for heavy requests, so they never starve the light ones, with a time
    limit and cooperative cancellation (the job checks its flag between chunks)."""

    def __init__(self, workers: int, time_limit_s: float):
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gigawatt-heavy")
        self.slots = threading.BoundedSemaphore(workers)
        self.time_limit_s = time_limit_s

    async def run(self, request: Request, job):
        """Run ``job(cancelled)`` in the pool; ``cancelled()`` raises once the request is abandoned."""
        if not self.slots.acquire(blocking=False):
            raise StoreError(503, "the server is busy with other Monte Carlo requests; retry in a few seconds")
        stop = threading.Event()

        def cancelled():
            if stop.is_set():
                raise _Cancelled()

        def work():
            try:
                return job(cancelled)
            finally:
                self.slots.release()

        future = asyncio.wrap_future(self.pool.submit(work))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.time_limit_s
        try:
            while True:
                done, _ = await asyncio.wait({future}, timeout=min(0.25, self.time_limit_s / 2))
                if done:
                    return future.result()
                if loop.time() > deadline:
                    raise StoreError(504, f"the request ran over its {self.time_limit_s:g} s limit and was stopped; "
                                          "ask for fewer samples, or run `gigawatt mc` on the command line")
                if await request.is_disconnected():
                    raise StoreError(499, "the client left")
        finally:
            stop.set()  # a timed-out or abandoned job stops at its next chunk


class Evaluated(NamedTuple):
    """One evaluation as the server keeps it: the /api/evaluate payload, its JSON bytes, and the
    result's ``compare.summary`` (so /api/compare of evaluated scenarios evaluates nothing)."""

    payload: dict
    body: bytes
    summary: dict


class ResultCache:
    """Evaluate payloads by a hash of the resolved scenario (includes expanded, every field):
    a bounded LRU with a time limit, safe across the server's threads. Two requests that resolve
    to the same scenario (the same built-in, a saved one, or identical YAML) share one
    evaluation; editing a saved scenario that another includes changes the resolved scenario,
    so it never serves a stale result."""

    def __init__(self, size: int = EVAL_CACHE_SIZE, ttl_s: float = EVAL_CACHE_TTL_S):
        self.size, self.ttl_s = size, ttl_s
        self.items: OrderedDict[str, tuple[float, Evaluated]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def key(scenario) -> str:
        return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()

    def get(self, key: str):
        if self.size <= 0:
            return None
        with self.lock:
            item = self.items.get(key)
            if item is None or time.monotonic() - item[0] > self.ttl_s:
                self.items.pop(key, None)
                self.misses += 1
                return None
            self.items.move_to_end(key)
            self.hits += 1
            return item[1]

    def put(self, key: str, value: Evaluated) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.items[key] = (time.monotonic(), value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


class _Memo:
    """A small thread-safe LRU map."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            return None

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def _digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def _json_bytes(payload: dict) -> bytes:
    """The bytes FastAPI's default JSON response would send for ``payload``."""
    return JSONResponse(payload).body


def create_app(db_path: str | Path | None = None, token: str | None = None, allowed_hosts=None, heavy_workers: int = 2,
               heavy_time_limit_s: float = HEAVY_TIME_LIMIT_S, cache_size: int = EVAL_CACHE_SIZE) -> FastAPI:
    """The app. ``token``: require ``Authorization: Bearer token`` on ``/api``; ``allowed_hosts``:
    Host names accepted besides loopback ones; heavy requests run ``heavy_workers`` at a time;
    ``cache_size`` evaluate results are kept (0: no cache)."""
    from gigawatt.scenario.store import default_path

    store = Store(db_path or default_path())
    heavy = HeavyPool(heavy_workers, heavy_time_limit_s)
    cache = ResultCache(cache_size)
    resolved = _Memo(4 * cache_size)  # request (text digest or name) -> (saved scenarios it read, result key)
    # No /docs or /redoc: FastAPI serves them from a CDN with inline script, which the CSP and
    # "works offline" both forbid. The OpenAPI document itself is at /openapi.json.
    app = FastAPI(title="gigawatt", version=__import__("gigawatt").__version__, docs_url=None, redoc_url=None,
                  description="Model multi-gigawatt AI compute build-outs: evaluate, compare and save scenarios.")
    app.router.route_class = _Route  # before any route is added
    app.add_middleware(Guard, token=token, hosts={_host_name(h) for h in (allowed_hosts or [])})

    @app.exception_handler(GigawattError)
    async def _user_error(request: Request, exc: GigawattError):
        problems = [{"path": p.path, "message": p.message, "line": p.line} for p in exc.problems] if isinstance(exc, ValidationFailure) else []
        return JSONResponse({"error": str(exc), "problems": problems}, status_code=422)

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError):
        return JSONResponse({"error": str(exc), "problems": []}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError):
        from gigawatt.core.errors import format_path
        from gigawatt.core.yaml_io import cut

        problems = []
        for e in exc.errors():
            loc = tuple(e.get("loc", ()))
            if loc and loc[0] in ("body", "query", "path"):
                loc = loc[1:]
            # A key is the client's text: it comes back cut (a 5,000-character key made a 10 KB reply).
            loc = tuple(cut(p) if isinstance(p, str) else p for p in loc)
            msg = e.get("msg", "invalid")
            if e.get("type") == "extra_forbidden":
                msg = f"unknown field (this part of the request takes: {', '.join(_fields_at(request, loc)) or 'no fields'})"
            problems.append({"path": format_path(loc), "message": msg[len("Value error, "):] if msg.startswith("Value error, ") else msg,
                             "line": None})
        text = "; ".join(f"{p['path'] or '(request)'}: {p['message']}" for p in problems[:5])
        return JSONResponse({"error": f"invalid request: {text}", "problems": problems}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        # Starlette's own 4xx (unknown path, wrong method, unparsable body) in the same shape as ours.
        detail = exc.detail if isinstance(exc.detail, str) else "bad request"
        return JSONResponse({"error": detail, "problems": getattr(exc, "problems", [])}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError):
        return JSONResponse({"error": "the request is nested too deeply", "problems": []}, status_code=422)

    def lookup_saved(name: str, seen: dict | None = None) -> str | None:
        """A saved scenario's text, or None. A built-in's name is never looked up: nothing can be
        saved under one now, and a row an older version let someone save under it (which would
        silently replace the seed scenario for every user of the database) is ignored when a name
        is resolved — by name, and in ``include:``. It stays readable (see scenario_get) and deletable."""
        if Store.is_builtin(name):
            text = None
        else:
            try:
                text = store.get(name).yaml
            except StoreError:
                text = None
        if seen is not None:  # what a resolution depended on (see evaluate_cached)
            seen[name] = _digest(text)
        return text

    def load(text: str, source: str, seen: dict | None = None):
        from gigawatt.scenario.spec import load_text

        return load_text(text, source, lookup=lambda n: lookup_saved(n, seen))[0]

    def scenario_of(src: Source, seen: dict | None = None):
        from gigawatt.scenario.spec import builtin_text

        if (src.yaml is None) == (src.name is None):
            raise GigawattError("give either `yaml` or `name`")
        if src.yaml is not None:
            return load(src.yaml, "the scenario", seen), src.yaml
        Store.check_name(src.name)
        saved = lookup_saved(src.name, seen)
        if saved is not None:
            return load(saved, f"saved scenario {src.name!r}", seen), saved
        text = builtin_text(src.name)
        if text is None:
            raise StoreError(404, f"no saved or built-in scenario {src.name!r}")
        return load(text, f"built-in scenario {src.name!r}", seen), text

    def evaluate_cached(src: Source, lang: str = "en", currency: str = "USD") -> Evaluated:
        """The payload, its JSON bytes and the result's compare summary, from the cache when the
        resolved scenario was seen.

        A request seen before (the same YAML text, or the same name) skips parsing when every
        saved scenario its resolution looked up is unchanged (compared by digest, so a save in
        any server process counts); the resolved scenario's hash then finds the payload.
        """
        request_key = ("yaml", _digest(src.yaml), lang, currency) if src.yaml is not None else ("name", src.name, lang, currency)
        known = resolved.get(request_key) if cache.size > 0 else None
        if known is not None and all(_digest(lookup_saved(n)) == d for n, d in known[0]):
            hit = cache.get(known[1])
            if hit is not None:
                return hit
        seen: dict[str, str | None] = {}
        scenario, text = scenario_of(src, seen)
        key = ResultCache.key(scenario) + ":" + lang + ":" + currency  # the payload's labels are in one language and currency
        if cache.size > 0:
            resolved.put(request_key, (tuple(seen.items()), key))
        hit = cache.get(key)
        if hit is not None:
            return hit
        from gigawatt.analyses.api import evaluate
        from gigawatt.analyses.compare import summary

        result = evaluate(scenario)
        payload = evaluate_payload(result, text, lang, currency)
        value = Evaluated(payload, _json_bytes(payload), summary(result))
        cache.put(key, value)
        return value

    def evaluate_payload(result, text: str, lang: str = "en", currency: str = "USD") -> dict:
        from gigawatt.analyses.flows import flows
        from gigawatt.interfaces.report import Context
        from gigawatt.interfaces.report.plotly_spec import figure
        from gigawatt.interfaces.dashboard import (currency_fx, fx_info, headline_rows, hidden_notes, localise_chart_titles,
                                                   prune_charts, scenario_text_in, tranche_rows)
        from gigawatt.analyses.headline import figures
        from gigawatt.interfaces.report.sections import capacity, capex, energy, headline

        scenario = result.scenario
        fx = currency_fx(currency)
        ctx = Context(result, text, lang=lang, currency=currency, per_usd=float(fx["per_usd"]) if fx else 1.0, fx=fx)
        ctx.flows = flows(result).to_dict()
        sections = [capacity(ctx), capex(ctx), energy(ctx)]
        head = headline(ctx)
        charts, hidden = prune_charts([{"id": c.id, **figure(c)} for s in sections for c in s.charts],
                                      len({t.vendor for t in result.tranches}))
        return check_finite({
            "name": scenario.name, "title": scenario_text_in(scenario, "title", lang), "totals": result.totals(),
            "deals": result.groups("deal"), "fx": fx_info(fx, lang),
            "headline": [[str(a), str(b)] for a, b in head.tables[0].rows],
            "headline_rows": headline_rows(figures(result)[0][1], lang, fx),
            "tranches": tranche_rows(result, lang, fx),
            "charts": localise_chart_titles(charts, lang), "hidden_charts": hidden, "chart_notes": hidden_notes(hidden, lang),
            "warnings": result.warnings, "constraints": result.inputs.constraints,
        })

    @app.get("/api/health")
    def health():
        return {"ok": True, "cache": {"entries": len(cache.items), "hits": cache.hits, "misses": cache.misses}}

    @app.get("/api/catalog", responses=_responses())
    def catalog_list():
        from gigawatt.catalog import SECTIONS, load_catalog

        cat = load_catalog()
        return {s: [{"id": e.id, "name": e.name} for e in cat.section(s).values()] for s in SECTIONS}

    @app.get("/api/catalog/{entry_id}", responses=_responses(404))
    def catalog_entry(entry_id: str):
        from gigawatt.catalog import load_catalog

        cat = load_catalog()
        try:
            section, entry = cat.find(entry_id[:200])
        except GigawattError as exc:
            raise StoreError(404, str(exc)) from None
        return {"section": section, **entry.model_dump(exclude_none=True), **{k: f.public() for k, f in entry.facts().items()}}

    def shadowed_note(name: str, version: int) -> str:
        return (f"saved under the built-in name {name!r} before built-in names were reserved: the built-in is used; "
                f"save this text under another name, then delete this copy (DELETE /api/scenarios/{name}?version={version})")

    @app.get("/api/scenarios", responses=_responses())
    def scenarios():
        """Built-in and saved scenarios. `shadowed`: saved copies under a built-in's name (from before
        such names were reserved), never used for that name; listed apart so the page never offers them
        as the built-in, and kept so nothing saved is lost."""
        from gigawatt.scenario.spec import builtin_names

        builtin = builtin_names()
        rows = store.list()
        return {"builtin": builtin, "saved": [r for r in rows if r["name"] not in builtin],
                "shadowed": [{**r, "note": shadowed_note(r["name"], r["version"])} for r in rows if r["name"] in builtin]}

    @app.get("/api/scenarios/{name}", responses=_responses(404))
    def scenario_get(name: str):
        """A scenario's text. A built-in's name always gives the built-in (with, under `shadowed`, the
        text and version of a copy saved under that name before such names were reserved)."""
        from gigawatt.scenario.spec import builtin_text

        Store.check_name(name)
        text = builtin_text(name)
        if text is None:
            s = store.get(name)
            return {"name": s.name, "yaml": s.yaml, "version": s.version, "builtin": False}
        out = {"name": name, "yaml": text, "version": 0, "builtin": True}
        try:
            s = store.get(name)
        except StoreError:
            return out
        return {**out, "shadowed": {"yaml": s.yaml, "version": s.version, "note": shadowed_note(name, s.version)}}

    @app.put("/api/scenarios/{name}", responses=_responses(409))
    def scenario_save(name: str, body: SaveBody):
        from gigawatt.analyses.api import evaluate

        Store.check_save_name(name)  # a built-in's name is refused before the scenario is even read
        check_finite(evaluate(load(body.yaml, "the scenario")).totals())  # only valid scenarios are saved
        s = store.save(name, body.yaml, body.version)
        return {"name": s.name, "version": s.version}

    @app.delete("/api/scenarios/{name}", status_code=204, responses=_responses(404, 409))
    def scenario_delete(name: str, version: int = Query(ge=1, le=2**62, description="The version being deleted (as last read).")):
        store.delete(name, version)
        return Response(status_code=204)

    @app.post("/api/evaluate", responses=_responses(404))
    def evaluate_endpoint(src: Source, lang: Lang | None = LANG_QUERY, currency: Currency | None = CURRENCY_QUERY):
        """The scenario's totals, headline, tranches and charts (views that repeat another left out: `hidden_charts`);
        money in the headline, tranches and charts in `currency` at `fx`'s dated rate (totals stay in USD)."""
        return Response(evaluate_cached(src, src.lang or lang or "en", currency or "USD").body, media_type="application/json")

    @app.post("/api/compare", responses=_responses(404))
    def compare(body: CompareBody, lang: Lang | None = LANG_QUERY, currency: Currency | None = CURRENCY_QUERY):
        """Two scenarios side by side: `a`, `b`, `difference` (totals), and labelled rows with absolute
        and % differences, per GW and per effective PFLOP/s (`rows`, `table`, `inputs`), from `compare.compare`."""
        from gigawatt.interfaces.dashboard import compare_summaries_view, currency_fx, fx_info

        lang = body.lang or lang or "en"
        fx = currency_fx(currency)
        ea, eb = evaluate_cached(body.a, lang, currency or "USD"), evaluate_cached(body.b, lang, currency or "USD")
        a, b = ea.payload, eb.payload
        keys = ["gw", "gw_it", "accelerators", "capex_usd", "capex_topdown_usd", "energy_twh_per_year", "effective_pflops_bf16", "npv_cost_usd"]
        view = compare_summaries_view(ea.summary, eb.summary, lang, fx)
        return check_finite({"a": {"name": a["name"], "totals": {k: a["totals"][k] for k in keys},
                                   "charts": a["charts"][:1]},
                             "b": {"name": b["name"], "totals": {k: b["totals"][k] for k in keys},
                                   "charts": b["charts"][:1]},
                             "difference": {k: b["totals"][k] - a["totals"][k] for k in keys}, "fx": fx_info(fx, lang), **view})

    @app.post("/api/deal", responses=_responses(404, 503, 504))
    async def deal(body: DealBody, request: Request, lang: Lang | None = LANG_QUERY, currency: Currency | None = CURRENCY_QUERY):
        """Deal economics: warrant value and vesting by tranche, the shareholder table, vendor investment
        and buyer economics, as labelled, formatted tables (`deals[].tables`) and charts; the numbers of
        `gigawatt deal --json` in `analysis`. Valued with the market file's latest price, volatility and rate,
        or the `spot_usd`, `volatility`, `rate` and `as_of` given."""
        from starlette.concurrency import run_in_threadpool

        from gigawatt.analyses.api import evaluate

        lang = body.lang or lang or "en"
        result = await run_in_threadpool(lambda: evaluate(scenario_of(body)[0]))

        def job(cancelled):
            from gigawatt.interfaces.dashboard import currency_fx, deal_view, fx_info
            from gigawatt.analyses.deals import PriceOptions, analyse
            from gigawatt.ledger.market import require_price_for_date, resolve_price_inputs

            issuer = next((d.supplier.lower() for d in result.scenario.deals if d.warrant is not None), None)
            kw, info = resolve_price_inputs(issuer, spot_usd=body.spot_usd, as_of=body.as_of, volatility=body.volatility,
                                            rate=body.rate)
            require_price_for_date(info, body.as_of, body.spot_usd, issuer)
            cancelled()
            out = analyse(result, PriceOptions(samples=body.samples, seed=body.seed, **kw), market_inputs=info)
            cancelled()
            fx = currency_fx(currency)
            analysis = out.to_dict() if hasattr(out, "to_dict") else out  # a typed result (core.records) as its JSON
            return check_finite({**deal_view(analysis, lang, fx), "fx": fx_info(fx, lang), "analysis": analysis})

        return await heavy.run(request, job)

    @app.post("/api/supply", responses=_responses(404))
    def supply(body: SupplyBody, lang: Lang | None = LANG_QUERY):
        """HBM and CoWoS the scenario buys against world supply by quarter: the binding input by quarter,
        the first to bind, a chart of shares of world supply and (with `constrained`) each tranche's slip."""
        from gigawatt.analyses.api import evaluate
        from gigawatt.interfaces.dashboard import supply_view
        from gigawatt.analyses.supply import constrained, supply_report

        lang = body.lang or lang or "en"
        result = evaluate(scenario_of(body)[0])
        rep = supply_report(result, body.case, body.share).to_dict()
        slips = [s.to_dict() for s in constrained(result, body.case, body.share)[1]] if body.constrained else None
        return check_finite(supply_view(rep, slips, lang))

    @app.post("/api/mc", responses=_responses(404, 503, 504))
    async def mc(body: McBody, request: Request, lang: Lang | None = LANG_QUERY, currency: Currency | None = CURRENCY_QUERY):
        """A Monte Carlo run, within a work budget (samples x tranches x months) and a time limit."""
        from starlette.concurrency import run_in_threadpool

        from gigawatt.analyses.api import evaluate

        def prepare():
            from gigawatt.scenario.market import with_market

            scenario, _ = scenario_of(body)
            if not scenario.uncertainty:
                raise GigawattError("this scenario has no `uncertainty:` block")
            # Warrants valued as `gigawatt deal` and `gigawatt mc` value them: the market file's latest.
            scenario, _ = with_market(scenario, default_to_market=True)
            result = evaluate(scenario)
            cells = body.samples * len(result.tranches) * result.inputs.n_months
            if cells > MC_BUDGET_CELLS:
                raise StoreError(413, f"{body.samples:,} samples x {len(result.tranches)} tranches x {result.inputs.n_months} months "
                                      f"is {cells:,} cells, over this server's budget of {MC_BUDGET_CELLS:,}; ask for fewer samples, "
                                      "or run bigger jobs with `gigawatt mc SCENARIO --samples N` (it streams in chunks; "
                                      "--workers or --scheduler spread it over cores or a Dask cluster)")
            return result

        result = await run_in_threadpool(prepare)

        def job(cancelled):
            from gigawatt.engine.mc import simulate

            from gigawatt.interfaces.dashboard import currency_fx, fx_info, mc_view, valuation_table

            out = simulate(result, samples=body.samples, seed=body.seed, progress=lambda _n: cancelled()).to_dict()
            fx, lang_ = currency_fx(currency), body.lang or lang or "en"
            return check_finite({**{k: out[k] for k in ("samples", "seed", "percentiles", "fans", "milestones")},
                                 **mc_view(out, lang_, fx), "valuation": valuation_table(result.scenario, lang_, fx), "fx": fx_info(fx, lang_)})

        return await heavy.run(request, job)

    @app.get("/api/world", responses=_responses())
    def world_view(as_of: str | None = Query(None, max_length=16,
                                             description="A month, YYYY-MM: only ledger events up to it count (422 otherwise)."),
                   lang: Lang | None = LANG_QUERY, currency: Currency | None = CURRENCY_QUERY):
        """The deal ledger's world view: GW online by buyer and vendor, the deals, the binding supply input."""
        from gigawatt.interfaces.dashboard import currency_fx, fx_info, localise_chart_titles
        from gigawatt.interfaces.report.world import page

        fx = currency_fx(currency)
        out = page(as_of, lang or "en", currency or "USD", float(fx["per_usd"]) if fx else 1.0)
        out["charts"] = localise_chart_titles(out["charts"], lang or "en")
        out["fx"] = fx_info(fx, lang or "en")
        return check_finite(out)

    @app.post("/api/explain", responses=_responses(404))
    def explain_endpoint(body: ExplainBody, lang: Lang | None = LANG_QUERY, currency: Currency | None = CURRENCY_QUERY,
                         view: bool = Query(False, description="Add `view` (the page's panel: a title and labelled lines in "
                                                               "`lang`, money in `currency`) and `fx`.")):
        """Where one number comes from (`gigawatt explain`): its formula, the values it is built from,
        and the scenario line or catalog fact (source, kind, date) behind each input; with `view=true`
        also the same as the page's panel."""
        from gigawatt.analyses.api import evaluate
        from gigawatt.analyses.explain import explain
        from gigawatt.interfaces.dashboard import currency_fx, explain_view, fx_info

        result = evaluate(scenario_of(body)[0])
        tree = explain(result, body.field, body.tranche, body.role)
        if not view:
            return check_finite(tree)
        fx = currency_fx(currency)
        lang = body.lang or lang or "en"
        return check_finite({**tree, "view": explain_view(tree, lang, fx, result.inputs.month0), "fx": fx_info(fx, lang)})

    @app.post("/api/edit", responses=_responses())
    def edit(body: EditBody):
        """Set one field (e.g. a tranche's gw) in the YAML text and return it: edited in place with a
        round-trip YAML library, so comments, key order and layout are kept."""
        from gigawatt.interfaces.dashboard import edit_yaml

        text = edit_yaml(body.yaml, body.path, body.value)  # checks the text's size, aliases and depth first
        load(text, "the edited scenario")  # refuse an edit that breaks the scenario
        return {"yaml": text}

    # The page routes also answer HEAD (as does every GET route: the Guard answers a HEAD as its GET, bodiless).
    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    @app.get("/static/app.js", include_in_schema=False)
    def app_js():
        return FileResponse(WEB_DIR / "app.js", media_type="text/javascript")

    @app.get("/static/app.css", include_in_schema=False)
    def app_css():
        return FileResponse(WEB_DIR / "app.css", media_type="text/css")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js():
        import plotly

        return FileResponse(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", media_type="text/javascript")

    return app


def default_workers() -> int:
    """Worker processes for `gigawatt serve` by default: one per core, at most 4 (1 on one core)."""
    return max(1, min(4, os.cpu_count() or 1))


def app_from_env() -> FastAPI:
    """The app with the options `gigawatt serve` put in ``$GIGAWATT_SERVE_OPTIONS`` (uvicorn's
    factory for worker processes: each process builds the same app)."""
    opts = json.loads(os.environ.get(OPTIONS_ENV) or "{}")
    return create_app(opts.get("db"), token=opts.get("token"), allowed_hosts=opts.get("allowed_hosts"),
                      heavy_workers=opts.get("heavy_workers", 2), cache_size=opts.get("cache_size", EVAL_CACHE_SIZE))


def _no_delay_protocol():
    """uvicorn's HTTP protocol, with TCP_NODELAY set on every connection.

    With ``workers > 1`` uvicorn binds the listening socket itself with protocol number 0, and
    asyncio then leaves Nagle's algorithm on for accepted connections: a response written in
    parts waits for the client's delayed ACK (~40 ms a request). Setting the option here gives
    every process the latency of a single-process server.
    """
    import socket

    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    class NoDelayHTTP(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
        def connection_made(self, transport):
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                try:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                except OSError:  # pragma: no cover
                    pass
            super().connection_made(transport)

    return NoDelayHTTP


def __getattr__(name: str):
    """``NoDelayHTTP`` is built on first use (uvicorn imports it by name in each worker)."""
    if name == "NoDelayHTTP":
        globals()[name] = cls = _no_delay_protocol()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_port(host: str, port: int, workers: int = 1) -> None:
    """Bind ``host:port`` as uvicorn will, then let go: a :class:`GigawattError` saying why if it
    cannot be bound (in use, no permission, not this machine's address), so `gigawatt serve`
    says so before it claims to be serving.

    One process: every address the name resolves to, as asyncio's ``create_server`` binds them
    (SO_REUSEADDR; IPv6 sockets IPv6-only). Several: the one socket uvicorn's manager binds
    (IPv6 when the host has a colon)."""
    import errno
    import socket

    try:
        if workers > 1:
            targets = [(socket.AF_INET6 if ":" in host else socket.AF_INET, (host, port), False)]
        else:
            infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
            targets = list(dict.fromkeys((family, addr, family == socket.AF_INET6) for family, _, _, _, addr in infos))
    except (OSError, UnicodeError) as exc:
        raise GigawattError(f"cannot serve on {host}: the host does not resolve ({getattr(exc, 'strerror', None) or exc}); "
                            "check --host") from None
    socks = []
    try:
        for family, addr, v6only in targets:
            sock = socket.socket(family, socket.SOCK_STREAM)
            socks.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if v6only:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(addr)
    except (OSError, UnicodeError) as exc:
        why = {errno.EADDRINUSE: "the port is already in use (another program, or another `gigawatt serve`); "
                                 "stop it or choose another --port",
               errno.EACCES: "permission denied (ports below 1024 need privileges); choose another --port",
               errno.EADDRNOTAVAIL: "that is not an address of this machine; check --host"}.get(
                   getattr(exc, "errno", None), f"{getattr(exc, 'strerror', None) or exc}")
        raise GigawattError(f"cannot serve on {host}:{port}: {why}") from None
    finally:
        for sock in socks:
            sock.close()


def serve(host: str = "127.0.0.1", port: int = 8000, db: str | None = None, token: str | None = None, allowed_hosts=None,
          heavy_workers: int = 2, workers: int | None = None, cache_size: int = EVAL_CACHE_SIZE,
          announce: Callable[[], None] | None = None) -> None:
    """Run the app: in this process (``workers`` 1), or in ``workers`` processes sharing the
    port (uvicorn's multiprocess manager; each builds the app from the same options). Every
    process has its own heavy pool (``heavy_workers`` Monte Carlo runs at a time) and cache;
    saved scenarios are shared through the SQLite file.

    The port is checked first (:func:`check_port`), then ``announce()`` is called (the CLI's
    "serving on ..." line); a port taken between the two, or any other failure of uvicorn to
    start, is a :class:`GigawattError` too (after uvicorn's own log line)."""
    import uvicorn

    hosts = list(allowed_hosts or [])
    if not is_loopback(host) and host not in ("0.0.0.0", "::"):
        hosts.append(host)  # a specific address the user bound to is a name clients will use
    workers = default_workers() if workers is None else workers
    check_port(host, port, workers)
    if announce is not None:
        announce()
    try:
        if workers <= 1:
            uvicorn.run(create_app(db, token=token, allowed_hosts=hosts, heavy_workers=heavy_workers, cache_size=cache_size),
                        host=host, port=port, log_level="warning")
            return
        from gigawatt.scenario.store import default_path

        os.environ[OPTIONS_ENV] = json.dumps({"db": str(db or default_path()), "token": token, "allowed_hosts": hosts,
                                              "heavy_workers": heavy_workers, "cache_size": cache_size})
        uvicorn.run("gigawatt.interfaces.server:app_from_env", factory=True, workers=workers, host=host, port=port,
                    log_level="warning", http="gigawatt.interfaces.server:NoDelayHTTP")
    except SystemExit as exc:  # uvicorn exits (status 1 or 3) when it cannot bind or start
        if exc.code in (None, 0):
            raise
        raise GigawattError(f"the server could not start on {host}:{port} (uvicorn's message above says why); "
                            "if the port is in use, choose another --port") from None
