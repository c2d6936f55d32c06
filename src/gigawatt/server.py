"""``gigawatt serve``: a local web app (FastAPI) over the same API as the CLI.

Endpoints under ``/api`` (OpenAPI at ``/docs``): catalog, built-in and saved scenarios
(versioned saves: a stale version is refused with 409), evaluate, compare, a small Monte
Carlo, and a quick edit of one field. ``/`` serves the page, which works offline (Plotly is
served from the installed package). User mistakes are 4xx with a message, never a 500.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from .errors import GigawattError, ValidationFailure
from .store import Store, StoreError

MAX_BODY = 256 * 1024
WEB_DIR = Path(__file__).parent / "web"


class Source(BaseModel):
    """A scenario to work on: YAML text, or the name of a saved or built-in scenario."""

    yaml: str | None = Field(None, max_length=MAX_BODY)
    name: str | None = Field(None, max_length=64)


class SaveBody(BaseModel):
    yaml: str = Field(max_length=MAX_BODY)
    version: int = Field(0, ge=0, description="The version this save is based on (0 for a new scenario).")


class EditBody(BaseModel):
    yaml: str = Field(max_length=MAX_BODY)
    path: list[str | int] = Field(min_length=1, max_length=12, description="e.g. [\"deals\", 0, \"tranches\", 1, \"gw\"]")
    value: Any


class CompareBody(BaseModel):
    a: Source
    b: Source


class McBody(Source):
    samples: int = Field(2000, ge=1, le=20_000)
    seed: int = 0


class BodyLimit:
    """Refuse request bodies over ``MAX_BODY`` bytes with 413, declared or streamed."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
            return await _too_large(send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send):
    body = json.dumps({"error": f"request body over {MAX_BODY // 1024} KiB"}).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


def create_app(db_path: str | Path | None = None) -> FastAPI:
    from .store import default_path

    store = Store(db_path or default_path())
    app = FastAPI(title="gigawatt", version=__import__("gigawatt").__version__,
                  description="Model multi-gigawatt AI compute build-outs: evaluate, compare and save scenarios.")
    app.add_middleware(BodyLimit)

    @app.exception_handler(GigawattError)
    async def _user_error(request: Request, exc: GigawattError):
        problems = [{"path": p.path, "message": p.message, "line": p.line} for p in exc.problems] if isinstance(exc, ValidationFailure) else []
        return JSONResponse({"error": str(exc), "problems": problems}, status_code=422)

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError):
        return JSONResponse({"error": str(exc)}, status_code=exc.status)

    def scenario_of(src: Source):
        from .scenario import BUILTIN_DIR, load_text

        if (src.yaml is None) == (src.name is None):
            raise GigawattError("give either `yaml` or `name`")
        if src.yaml is not None:
            return load_text(src.yaml, "the scenario")[0], src.yaml
        Store.check_name(src.name)
        try:
            saved = store.get(src.name)
            return load_text(saved.yaml, f"saved scenario {src.name!r}")[0], saved.yaml
        except StoreError as exc:
            if exc.status != 404:
                raise
        path = BUILTIN_DIR / f"{src.name}.yaml"
        if not path.exists():
            raise StoreError(404, f"no saved or built-in scenario {src.name!r}")
        text = path.read_text(encoding="utf-8")
        return load_text(text, f"built-in scenario {src.name!r}")[0], text

    def evaluate_payload(src: Source) -> dict:
        from .api import evaluate
        from .report import Context
        from .report.plotly_spec import figure
        from .report.sections import capacity, capex, energy, headline

        scenario, text = scenario_of(src)
        result = evaluate(scenario)
        ctx = Context(result, text)
        from .flows import flows

        ctx.flows = flows(result)
        sections = [capacity(ctx), capex(ctx), energy(ctx)]
        head = headline(ctx)
        return {
            "name": scenario.name, "title": scenario.title, "totals": result.totals(), "deals": result.groups("deal"),
            "headline": [[str(a), str(b)] for a, b in head.tables[0].rows],
            "tranches": [{"deal": t.deal_index, "tranche": i, "label": t.label, "product": t.product, "gw": tr.gw, "start": tr.start,
                          "ramp_months": tr.ramp_months}
                         for t, (i, tr) in zip(result.tranches, [(j, tr) for d in scenario.deals for j, tr in enumerate(d.tranches)])],
            "charts": [{"id": c.id, **figure(c)} for s in sections for c in s.charts],
            "warnings": result.warnings, "constraints": result.inputs.constraints,
        }

    @app.get("/api/health")
    def health():
        return {"ok": True}

    @app.get("/api/catalog")
    def catalog_list():
        from .catalog import SECTIONS, load_catalog

        cat = load_catalog()
        return {s: [{"id": e.id, "name": e.name} for e in cat.section(s).values()] for s in SECTIONS}

    @app.get("/api/catalog/{entry_id}")
    def catalog_entry(entry_id: str):
        from .catalog import load_catalog

        cat = load_catalog()
        try:
            section, entry = cat.find(entry_id)
        except GigawattError as exc:
            raise StoreError(404, str(exc)) from None
        return {"section": section, **entry.model_dump(exclude_none=True), **{k: f.public() for k, f in entry.facts().items()}}

    @app.get("/api/scenarios")
    def scenarios():
        from .scenario import builtin_names

        return {"builtin": builtin_names(), "saved": store.list()}

    @app.get("/api/scenarios/{name}")
    def scenario_get(name: str):
        from .scenario import BUILTIN_DIR

        Store.check_name(name)
        try:
            s = store.get(name)
            return {"name": s.name, "yaml": s.yaml, "version": s.version, "builtin": False}
        except StoreError as exc:
            if exc.status != 404 or not (BUILTIN_DIR / f"{name}.yaml").exists():
                raise
        return {"name": name, "yaml": (BUILTIN_DIR / f"{name}.yaml").read_text(encoding="utf-8"), "version": 0, "builtin": True}

    @app.put("/api/scenarios/{name}")
    def scenario_save(name: str, body: SaveBody):
        from .api import evaluate
        from .scenario import load_text

        Store.check_name(name)
        evaluate(load_text(body.yaml, "the scenario")[0])  # only valid scenarios are saved
        s = store.save(name, body.yaml, body.version)
        return {"name": s.name, "version": s.version}

    @app.delete("/api/scenarios/{name}")
    def scenario_delete(name: str, version: int):
        store.delete(name, version)
        return Response(status_code=204)

    @app.post("/api/evaluate")
    def evaluate_endpoint(src: Source):
        return evaluate_payload(src)

    @app.post("/api/compare")
    def compare(body: CompareBody):
        a, b = evaluate_payload(body.a), evaluate_payload(body.b)
        keys = ["gw", "gw_it", "accelerators", "capex_usd", "capex_topdown_usd", "energy_twh_per_year", "effective_pflops_bf16", "npv_cost_usd"]
        return {"a": {"name": a["name"], "totals": {k: a["totals"][k] for k in keys}, "charts": a["charts"][:1]},
                "b": {"name": b["name"], "totals": {k: b["totals"][k] for k in keys}, "charts": b["charts"][:1]},
                "difference": {k: b["totals"][k] - a["totals"][k] for k in keys}}

    @app.post("/api/mc")
    def mc(body: McBody):
        from .api import evaluate
        from .mc import simulate

        scenario, _ = scenario_of(body)
        if not scenario.uncertainty:
            raise GigawattError("this scenario has no `uncertainty:` block")
        out = simulate(evaluate(scenario), samples=body.samples, seed=body.seed)
        return {k: out[k] for k in ("samples", "seed", "percentiles", "fans", "milestones")}

    @app.post("/api/edit")
    def edit(body: EditBody):
        """Set one field (e.g. a tranche's gw) and return the new YAML (comments are not kept)."""
        import yaml as _yaml

        from .scenario import load_text
        from .yaml_io import read_yaml

        data, _ = read_yaml(body.yaml, "the scenario")
        node = data
        try:
            for key in body.path[:-1]:
                node = node[key]
            if body.path[-1] not in node if isinstance(node, dict) else not 0 <= int(body.path[-1]) < len(node):
                raise KeyError(body.path[-1])
            node[body.path[-1]] = body.value
        except (KeyError, IndexError, TypeError, ValueError):
            raise GigawattError(f"no field {'.'.join(map(str, body.path))} in the scenario") from None
        text = _yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        load_text(text, "the edited scenario")  # refuse an edit that breaks the scenario
        return {"yaml": text}

    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    @app.get("/static/app.js", include_in_schema=False)
    def app_js():
        return FileResponse(WEB_DIR / "app.js", media_type="text/javascript")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js():
        import plotly

        return FileResponse(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", media_type="text/javascript")

    return app


def serve(host: str = "127.0.0.1", port: int = 8000, db: str | None = None) -> None:
    import uvicorn

    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")
