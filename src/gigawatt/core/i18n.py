"""The language layer: English and Japanese strings, labels and number/date conventions.

- :func:`t` — a UI or report string by key (``STRINGS``), with ``str.format`` fields.
- :func:`label` — a registry parameter's label (``core/data/registry.csv``) in English, or in Japanese
  from ``core/data/labels-ja.csv`` (``role,name,label_ja``; every input, nameplate, series, catalog,
  scalar and metric row has one — a test checks).
- :func:`money`, :func:`per_share`, :func:`shares`, :func:`pct`, :func:`number`, :func:`count`,
  :func:`month`, :func:`quarter`, :func:`day` — numbers and dates as a reader of the language
  writes them: ``$189.8B`` / ``1,898億ドル``, ``¥29.7T`` / ``29.7兆円``, ``160.0M`` / ``1億6,000万株``,
  ``Jul 2026`` / ``2026年7月``, ``Q3 2026`` / ``2026年第3四半期``.

Money is converted elsewhere (:func:`gigawatt.ledger.market.fx_per_usd`); here ``per_usd`` only scales
the figure and the currency picks the symbol or word.

>>> money(1.898e11, "ja"), money(1e9, "ja", "JPY", 156.7), shares(160e6, "ja"), month("2026-07", "ja")
('1,898億ドル', '1,567億円', '1億6,000万株', '2026年7月')
>>> money(1.898e11, "en"), shares(160e6, "en"), month("2026-07", "en"), quarter("2026-Q3", "ja")
('$189.8B', '160.0M', 'Jul 2026', '2026年第3四半期')
"""
from __future__ import annotations

import csv
import datetime as _dt
import functools
import re
from pathlib import Path

from gigawatt.core import fmt
LANGS = ("en", "ja")
LABELS_JA_FILE = Path(__file__).parent / "data" / "labels-ja.csv"
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def check_lang(lang: str | None) -> str:
    """``lang`` if supported (None → ``en``); a :class:`~gigawatt.core.errors.GigawattError` otherwise."""
    lang = (lang or "en").lower()
    if lang not in LANGS:
        from gigawatt.core.errors import GigawattError

        raise GigawattError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


# --- strings ---------------------------------------------------------------------------------

#: UI and report strings: key → (English, Japanese). Fields in braces are filled by :func:`t`.
STRINGS: dict[str, tuple[str, str]] = {
    # report frame
    "report.subtitle": ("gigawatt report for {scenario}, generated {date}. Every number is recomputable with `gigawatt plan`; "
                        "sources are listed at the end.",
                        "gigawatt レポート（シナリオ：{scenario}、作成日：{date}）。すべての数値は `gigawatt plan` で再計算でき、"
                        "出典は巻末に掲載しています。"),
    "report.contents": ("Contents", "目次"),
    "report.footer": ("Scenario {scenario} · generated {date} · gigawatt · sources: catalog and deal ledger (see the appendix)",
                      "シナリオ {scenario} ・ 作成日 {date} ・ gigawatt ・ 出典：カタログおよび案件台帳（付録参照）"),
    "report.source_line": ("Source: gigawatt model, scenario {scenario}, {date}", "出典：gigawatt モデル、シナリオ {scenario}、{date}"),
    # section titles
    "sec.summary": ("Executive summary", "エグゼクティブ・サマリー"),
    "sec.headline": ("Build-out at a glance", "構築計画の概要"),
    "sec.deal": ("Deal economics", "案件の経済性"),
    "sec.buyer": ("Buyer economics", "買い手の経済性"),
    "sec.capacity": ("Capacity over time", "稼働容量の推移"),
    "sec.capex": ("Capex", "設備投資"),
    "sec.energy": ("Energy, CO2 and water", "電力・CO2・水"),
    "sec.supply": ("Supply: HBM and CoWoS", "供給制約：HBMとCoWoS"),
    "sec.world": ("World view: the deal ledger", "世界全体：案件台帳"),
    "sec.montecarlo": ("Monte Carlo", "モンテカルロ・シミュレーション"),
    "sec.sensitivity": ("Sensitivity", "感応度分析"),
    "sec.validation": ("Validation against real clusters", "実在クラスターとの検証"),
    "sec.sources": ("Sources (appendix)", "出典（付録）"),
    "sec.scenario": ("The scenario file (appendix)", "シナリオ・ファイル（付録）"),
    # generic
    "col.item": ("", ""),
    "col.value": ("Value", "値"),
    "unit.months": ("{n} months", "{n}か月"),
    "none": ("none", "なし"),
    "never": ("not within the horizon", "期間内に到達せず"),
    # executive summary
    "sum.table": ("Five numbers that matter", "押さえるべき5つの数字"),
    "sum.col_what": ("", ""),
    "sum.col_value": ("Value", "値"),
    "sum.col_note": ("Note", "補足"),
    "sum.capacity": ("Capacity (facility)", "容量（施設ベース）"),
    "sum.capacity_note": ("{it} of IT power; {acc} accelerators", "IT電力 {it}、アクセラレーター {acc} 基"),
    "sum.capex": ("Headline capex (top-down)", "設備投資の総額（トップダウン）"),
    "sum.capex_note": ("bottom-up estimate {bu}; top-down / bottom-up {ratio}", "ボトムアップ推計 {bu}（トップダウン／ボトムアップ比 {ratio}）"),
    "sum.full": ("Full build-out delivered", "全容量の納入完了"),
    "sum.full_note": ("first delivery {start}", "初回納入 {start}"),
    "sum.warrant": ("Warrant value ({deal})", "ワラントの価値（{deal}）"),
    "sum.warrant_note": ("{shares} shares; P10 {p10}, P90 {p90}; full vesting in {full} of price paths; value as of {asof}",
                         "{shares}、P10 {p10}・P90 {p90}、全トランシェ権利確定の確率 {full}、{asof}時点の評価"),
    "sum.revenue": ("{supplier} revenue from the deal", "{supplier}の案件売上"),
    "sum.revenue_note": ("EPS added in the peak year ({year}): {eps}", "ピーク年（{year}）の1株当たり利益（EPS）押し上げ額：{eps}"),
    "sum.investment": ("{supplier} investment in the buyer", "{supplier}による買い手への出資"),
    "sum.investment_note": ("{per} per GW deployed", "展開1GWあたり {per}"),
    "sum.npv_note": ("discounted to {start}", "{start}時点に割引"),
    "sum.p_base": ("{title}: {gw} delivered from {start} to {full}. The headline cost is {td}, {ratio} times the bottom-up estimate of {bu}.",
                   "{title}：{start}から{full}にかけて{gw}を納入。総額は{td}で、ボトムアップ推計{bu}の{ratio}倍。"),
    "sum.p_warrant": ("The warrant is worth {value} as of {asof} (P10 {p10}, P90 {p90}) and vests in full on {full} of price paths before it expires in {expiry}.",
                      "ワラントの価値は{asof}時点で{value}（P10 {p10}、P90 {p90}）で、{expiry}の期限までに全トランシェの権利が確定する確率は{full}。"),
    "sum.p_expiry_mc": ("Key risk: the final {gw} milestone is met after the warrant's expiry ({expiry}) in {share} of {n} simulations.",
                        "主なリスク：{n}回のシミュレーションのうち{share}で、最終の{gw}マイルストーンの達成がワラント期限（{expiry}）より後になる。"),
    "sum.p_expiry_plan": ("In the base plan the final {gw} milestone is met in {month}; the warrant expires in {expiry} (run with --samples for the chance it slips past).",
                          "基本計画では最終の{gw}マイルストーン達成は{month}、ワラントの期限は{expiry}（期限を越えて遅れる確率は --samples で算出）。"),
    "sum.p_revenue": ("{supplier} books {rev} of revenue ({per} per GW).", "{supplier}の売上は{rev}（1GWあたり{per}）。"),
    "sum.p_supply": ("Supply: {name} binds first in {quarter}, when the plan needs {share} of world output against {alloc} it can get.",
                     "供給面：{quarter}に{name}が最初の制約となる（世界供給の{share}が必要だが、確保できるのは{alloc}）。"),
    "sum.p_supply_none": ("Supply: neither HBM nor CoWoS binds at an allocable share of {alloc} of world output.",
                          "供給面：世界供給の{alloc}を確保できれば、HBMもCoWoSも制約にならない。"),
    "sum.p_mc": ("Across {n} simulations bottom-up capex ranges from {p5} (P5) to {p95} (P95).",
                 "{n}回のシミュレーションでは、ボトムアップ設備投資はP5の{p5}からP95の{p95}の範囲。"),
    # headline
    "hl.table": ("Headline numbers", "主要な数値"),
    "hl.gw": ("GW (facility / IT)", "GW（施設／IT）"),
    "hl.ratio": ("Top-down / bottom-up", "トップダウン／ボトムアップ比"),
    "hl.co2": ("CO2 over the horizon", "期間中のCO2排出量"),
    "hl.co2_value": ("{loc} Mt (location-based), {mkt} Mt (market-based)", "{loc}百万トン（ロケーション基準）、{mkt}百万トン（マーケット基準）"),
    "hl.water": ("Water over the horizon", "期間中の水使用量"),
    "hl.water_value": ("{v} million m³", "{v}百万m³"),
    "hl.by_deal": ("By deal", "案件別"),
    "hl.text": ("{description} Inputs checked {checked}; horizon {start} to {end}.",
                "{description} 入力値の確認日：{checked}、分析期間：{start}～{end}。"),
    "col.deal": ("Deal", "案件"),
    "col.supplier": ("Supplier", "供給者"),
    # warrant / deal economics
    "sec.shareholder": ("Shareholder view ({ticker})", "株主から見た影響（{ticker}）"),
    "terms.assumed": ("assumed", "仮定"),
    "terms.public": ("public", "公表"),
    "w.text": ("{shares} shares at a strike of {strike} ({pre} of shares outstanding, {post} after issue), expiring {expiry}. Worth {final} if every "
               "tranche vests at the final hurdle. Value as of {asof}: {value} (P10 {p10}, P50 {p50}, P90 {p90}) at a share price of {spot} and "
               "volatility {vol}; full vesting on {full} of price paths; expected dilution {dil}.",
               "行使価格{strike}で{shares}（発行済株式の{pre}、発行後{post}）、期限は{expiry}。全トランシェが最終株価条件で確定すれば{final}。"
               "{asof}時点の株価{spot}・ボラティリティ{vol}での現在価値は{value}（P10 {p10}、P50 {p50}、P90 {p90}）。"
               "全トランシェ権利確定の確率は{full}、想定希薄化率は{dil}。"),
    "w.tranches": ("Vesting by tranche", "トランシェ別の権利確定"),
    "w.col_shares": ("Shares", "株式数"),
    "w.col_gw": ("GW milestone", "GWマイルストーン"),
    "w.col_hurdle": ("Share-price hurdle", "株価条件"),
    "w.col_pvest": ("Probability of vesting", "権利確定の確率"),
    "w.col_gw_month": ("Milestone met (plan)", "マイルストーン達成（計画）"),
    "w.col_vest": ("Expected vesting", "権利確定の見込み時期"),
    "w.col_terms": ("Terms", "条件の根拠"),
    "w.tranche": ("Tranche {n}", "トランシェ{n}"),
    "w.chart": ("Probability each tranche has vested, by month", "各トランシェが権利確定している確率（月別）"),
    "w.chart_y": ("probability (%)", "確率（%）"),
    "w.investment": ("{supplier} investment", "{supplier}による出資"),
    "w.inv_per_gw": ("Per GW deployed", "展開1GWあたり"),
    "w.inv_cap": ("Cap", "上限"),
    "w.inv_total": ("Invested over the horizon", "期間中の出資額"),
    "w.inv_cap_month": ("Cap reached", "上限到達"),
    "w.inv_stake": ("Stake at the stated valuation", "想定評価額での持分"),
    # shareholder
    "sh.text": ("{company} ({ticker}): the deal's incremental profit per share, and the warrant's cost to existing holders: {per} per existing share "
                "({value} over {out} shares, value as of {asof}). Accretive after dilution in {n} of {years} years.",
                "{company}（{ticker}）：案件による1株当たり利益の増分と、ワラントが既存株主に与える負担。既存1株あたり{per}"
                "（{value}を{out}で割ったもの、{asof}時点の評価）。希薄化後もEPSが増加するのは{years}年中{n}年。"),
    "sh.table": ("{ticker}: incremental P&L from {deal} and EPS after warrant dilution, by fiscal year",
                 "{ticker}：{deal}による損益の増分とワラント希薄化後のEPS（会計年度別）"),
    "sh.fy": ("Fiscal year", "会計年度"),
    "sh.revenue": ("Revenue", "売上高"),
    "sh.gross": ("Gross profit", "売上総利益"),
    "sh.net": ("Net income", "純利益"),
    "sh.eps_added": ("EPS added", "EPS増分"),
    "sh.base_eps": ("Base EPS", "ベースEPS"),
    "sh.warrant_shares": ("Warrant shares (expected)", "ワラント株式数（期待値）"),
    "sh.eps_after": ("EPS with the deal, after dilution", "案件込み・希薄化後EPS"),
    "sh.accretion": ("Accretion after dilution", "希薄化後のEPS増加率"),
    # the shareholder view's assumption rows (``deals[].shareholder.assumptions[].key`` with its ``params``: :func:`keyed`),
    # its notes and the revenue basis (fixed English in the JSON: :func:`said`); the English is the JSON's text
    "sh.a.revenue_per_gw": ("revenue per GW delivered", "納入1GWあたりの売上"),
    "sh.a.gross_margin": ("incremental gross margin", "増分の売上総利益率"),
    "sh.a.opex_ratio": ("incremental opex ratio", "増分の営業費用率"),
    "sh.a.tax_rate": ("tax rate", "税率"),
    "sh.a.tax_rate_note": ("no tax rate in the fact sheet", "ファクトシートに税率の記載なし"),
    "sh.a.diluted_shares": ("diluted shares ({year})", "希薄化後株式数（{year}）"),
    "sh.a.base_eps": ("base EPS, non-GAAP ({year})", "ベースEPS・非GAAP（{year}）"),
    "sh.a.base_revenue": ("base revenue ({year})", "ベース売上高（{year}）"),
    "sh.a.company_gross_margin": ("company gross margin ({year}), for comparison", "会社全体の売上総利益率（{year}、比較用）"),
    "sh.a.company_opex_ratio": ("company opex ratio ({year}), for comparison", "会社全体の営業費用率（{year}、比較用）"),
    "sh.a.consensus_eps": ("consensus EPS {year}", "コンセンサスEPS {year}"),
    "sh.a.warrant_shares": ("warrant shares on {ticker} in the deal ledger", "案件台帳にある{ticker}株のワラント株式数"),
    "sh.n.consensus": ("consensus (sell-side, as of its date) may already include part of this deal: accretion against it counts the deal "
                       "as additional, an upper bound",
                       "コンセンサス（セルサイド、その時点のもの）には本案件の一部が既に織り込まれている可能性がある。これに対する増加率は"
                       "本案件をすべて上乗せ分とみなしており、上限値である"),
    "sh.n.no_consensus": ("years without a consensus use the last reported year's actual EPS as the base; they are not forecasts",
                          "コンセンサスのない年度は直近の実績EPSをベースとしており、予想ではない"),
    "sh.n.dilution": ("EPS after dilution divides by diluted shares plus this deal's warrant shares expected vested by the year end; "
                      "'all warrants fully vested' adds every warrant on the issuer in the deal ledger (an upper bound on dilution)",
                      "希薄化後EPSは、希薄化後株式数に本案件のワラントのうち年度末までに権利確定が見込まれる株式数を加えて割ったもの。"
                      "「全ワラント権利確定」は案件台帳にある発行体のすべてのワラントを加える（希薄化の上限）"),
    "sh.basis.stated": ("stated", "公表値"),
    "sh.basis.vendor_content": ("the vendor's content in the systems at catalog prices (the attribution `flows` uses)",
                                "カタログ価格で見たシステムに占めるベンダーの取り分（`flows` と同じ配分）"),
    # buyer
    "b.text": ("What the buyer pays and gets back: cash for hardware and operations, the warrant and any investment as a discount, "
               "the cost of an accelerator-hour and the month cumulative cash turns positive.",
               "買い手の支払いと見返り：機器・運営への現金支出、値引きとみなせるワラントや出資、アクセラレーター1時間あたりのコスト、累積キャッシュフローが黒字化する月。"),
    "b.table": ("Buyer economics by deal", "案件別の買い手の経済性"),
    "b.cash": ("Cash paid (capex + opex)", "現金支出（設備投資＋運営費）"),
    "b.warrant": ("Warrant received", "受け取るワラント"),
    "b.investment": ("Investment received", "受け取る出資"),
    "b.discount": ("Effective discount", "実質的な値引き率"),
    "b.payback": ("Payback (undiscounted)", "投資回収（割引なし）"),
    "b.life": ("{deal}: cost per accelerator-hour by IT useful life (discount rate {rate})", "{deal}：IT耐用年数別のアクセラレーター1時間あたりコスト（割引率{rate}）"),
    "b.it_life": ("IT life", "IT耐用年数"),
    "b.life_years": ("{n} years", "{n}年"),
    "b.base": (" (base)", "（基本）"),
    "b.cap_it": ("capital (IT)", "資本費（IT）"),
    "b.cap_fac": ("capital (facility)", "資本費（施設）"),
    "b.energy": ("energy", "電力"),
    "b.ops": ("operations", "運営"),
    "b.irr": ("Operator IRR", "事業者IRR"),
    "b.dpayback": ("Discounted payback", "割引回収期間"),
    "b.not_within": ("not within life", "耐用期間内に回収せず"),
    # capacity
    "cap.text": ("Facility GW of hardware in service, by vendor and by product; hardware retires after its useful life unless a tranche refreshes it.",
                 "稼働中の機器の施設GW（ベンダー別・製品別）。更新投資を行わないトランシェの機器は耐用期間の終了とともに退役する。"),
    "cap.by_vendor": ("GW online by vendor", "ベンダー別の稼働中GW"),
    "cap.by_product": ("GW online by product", "製品別の稼働中GW"),
    "cap.gw_axis": ("GW (facility)", "GW（施設）"),
    "cap.acc_chart": ("Accelerators online", "稼働中のアクセラレーター数"),
    "cap.racks_note": ("Racks follow the same curve at {per} accelerators per rack (peak {racks} racks).",
                       "ラック数も同じ推移（1ラックあたりアクセラレーター{per}基、ピーク時{racks}ラック）。"),
    # capex
    "capex.text": ("Bottom-up {bu} against top-down {td} (ratio {ratio}).", "ボトムアップ{bu}に対しトップダウン{td}（比率{ratio}）。"),
    "capex.bottom_up": ("Bottom-up", "ボトムアップ"),
    "capex.top_down": ("Top-down", "トップダウン"),
    "capex.top_down_series": ("Top-down total ($/GW × GW)", "トップダウン総額（GW単価×GW）"),
    "capex.chart": ("Capex: bottom-up segments against the top-down total", "設備投資：ボトムアップの内訳とトップダウン総額"),
    "capex.table": ("Where the money goes", "資金の行き先"),
    "capex.segment": ("Segment", "区分"),
    "capex.amount": ("Amount", "金額"),
    "capex.per_gw": ("Per GW", "1GWあたり"),
    "capex.share": ("Share", "構成比"),
    "capex.cum_chart": ("Cumulative capex (bottom-up, including refresh)", "設備投資の累計（ボトムアップ、更新投資を含む）"),
    "capex.cum_series": ("Cumulative capex", "設備投資の累計"),
    "seg.accelerators": ("Accelerators", "アクセラレーター"),
    "seg.hbm": ("HBM", "HBM"),
    "seg.packaging": ("Packaging", "パッケージング"),
    "seg.cpus": ("CPUs", "CPU"),
    "seg.storage": ("Storage", "ストレージ"),
    "seg.networking": ("Networking", "ネットワーク"),
    "seg.power_equipment": ("Power equipment", "電力設備"),
    "seg.cooling": ("Cooling", "冷却"),
    "seg.construction": ("Construction", "建設"),
    "seg.land_and_grid": ("Land and grid", "土地・系統接続"),
    # the workbook's Flows sheet (``report --xlsx``): the segments it names otherwise than ``seg.*``, and its table's line
    "xlsx.seg.packaging": ("Advanced packaging (CoWoS)", "パッケージング"),
    "xlsx.seg.power_equipment": ("Power equipment", "電源設備"),
    "xlsx.line_item": ("Line", "項目"),
    # energy
    "en.text": ("Per calendar year; location-based CO2 uses grid intensity, market-based credits PPAs at their own intensity.",
                "暦年ベース。ロケーション基準のCO2は系統電力の排出係数、マーケット基準は電力購入契約（PPA）をその排出係数で評価。"),
    "en.location": ("location-based", "ロケーション基準"),
    "en.market": ("market-based", "マーケット基準"),
    "en.energy_chart": ("Energy per year", "年間電力量"),
    "en.co2_chart": ("CO2 per year", "年間CO2排出量"),
    "en.co2_axis": ("Mt CO2", "CO2（百万トン）"),
    "en.co2_note": ("Market-based is dashed and location-based has markers: where the site buys no PPAs the two lines coincide.",
                    "マーケット基準は破線、ロケーション基準はマーカー付き。PPAを購入しない場合、2本の線は重なる。"),
    "en.water_chart": ("Water per year", "年間水使用量"),
    "en.water_series": ("Water", "水使用量"),
    "en.water_axis": ("million m³", "百万m³"),
    # supply
    "sup.binds": ("Binds first: {name} in {quarter} ({share} of world supply, above the {alloc} allocable).",
                  "最初の制約：{quarter}の{name}（世界供給の{share}が必要で、割当可能な{alloc}を上回る）。"),
    "sup.none": ("Nothing binds at an allocable share of {alloc} of world supply.", "世界供給の{alloc}を確保できれば、制約となる要素はない。"),
    "sup.table": ("Share of world supply taken by quarter, and the input that binds (above {alloc})",
                  "四半期別の世界供給シェアと制約となる要素（{alloc}超）"),
    "sup.quarter": ("Quarter", "四半期"),
    "sup.binding": ("Binding input", "制約要素"),
    "sup.chart": ("Share of world supply taken (hardware bought in the quarter)", "世界供給に占めるシェア（当該四半期の購入分）"),
    "sup.allocable": ("allocable share", "割当可能シェア"),
    "sup.axis": ("share of world supply (%)", "世界供給に占めるシェア（%）"),
    "sup.note": ("CoWoS is dashed: HBM and CoWoS needs move together and can overlap.", "CoWoSは破線。HBMとCoWoSの需要は連動するため線が重なることがある。"),
    # the supply report's notes (``supply --json`` ``notes``, fixed English: :func:`said`)
    "sup.n.demand": ("demand counts hardware bought in the quarter, refreshes included; HBM in GB and stacks, CoWoS in wafers at the "
                     "catalog's yield",
                     "需要は当該四半期に購入した機器で計上（更新投資を含む）。HBMは容量（GB）とスタック数、CoWoSはカタログの歩留まりで換算したウェハー枚数"),
    "sup.n.no_lead": ("HBM and packaging are counted in the month the hardware is delivered (no lead time); binding is tested month by month",
                      "HBMとパッケージングは機器の納入月に計上（リードタイムは考慮しない）。制約となるかは月ごとに判定"),
    "sup.n.substrates": ("substrates are counted (one per package); no world substrate capacity series is in the catalog (T-glass/ABF limits "
                         "are qualitative in the sources)",
                         "基板は1パッケージにつき1枚として計上。カタログには世界の基板供給能力の系列がない（Tガラス・ABFの制約は出典では定性的な記述のみ）"),
    "sup.n.extrapolated": ("world capacity after the last sourced year is extrapolated (labelled estimate) and held flat after the last point",
                           "出典のある最終年より後の世界供給能力は外挿値（推計として表示）で、系列の最終点より後は横ばいとする"),
    # the same notes as the dashboard's Supply tab words them (found by their English: ``said(note, lang, ("dash.sup_n.",))``)
    "dash.sup_n.demand": ("demand counts hardware bought in the quarter, refreshes included; HBM in GB and stacks, CoWoS in wafers at "
                          "the catalog's yield",
                          "需要はその四半期に購入されるハードウェア（更新を含む）。HBMはGBとスタック数、CoWoSはカタログの歩留まりでのウェハー枚数。"),
    "dash.sup_n.no_lead": ("HBM and packaging are counted in the month the hardware is delivered (no lead time); binding is tested month "
                           "by month", "HBMとパッケージングはハードウェアの納入月に計上（リードタイムなし）。制約は月ごとに判定。"),
    "dash.sup_n.substrates": ("substrates are counted (one per package); no world substrate capacity series is in the catalog (T-glass/ABF "
                              "limits are qualitative in the sources)",
                              "基板は数えています（パッケージ1つにつき1枚）。世界の基板供給能力の系列はカタログにありません（T-glass/ABFの制約は出典では定性的）。"),
    "dash.sup_n.extrapolated": ("world capacity after the last sourced year is extrapolated (labelled estimate) and held flat after the "
                                "last point", "出典のある最終年以降の世界供給能力は外挿（推定と表示）し、最後の点以降は横ばい。"),
    # flows (``flows --json`` ``method``, fixed English: :func:`said`)
    "flows.n.method": ("bottom-up capex at full build-out (the total `plan` shows as Capex (bottom-up)), split by catalog shares "
                       "(cpu/storage of systems, power/cooling of facility) and per-product HBM and CoWoS costs",
                       "フル稼働時のボトムアップ設備投資（`plan` が「設備投資（ボトムアップ）」として示す合計）を、カタログの構成比"
                       "（システムに占めるCPU・ストレージ、施設に占める電力設備・冷却）と製品別のHBM・CoWoSコストで区分"),
    # world
    "world.text": ("案件台帳（{as_of}時点）の案件を同一エンジンで評価：計上{counted} GW、うちエンジンで規模算定{sized} GW（施設GW）。",
                   "案件台帳（{as_of}時点）の案件を同一エンジンで評価：計上{counted} GW、うちエンジンで規模算定{sized} GW（施設GW）。"),
    "world.binding": ("", "制約となる供給要素：{quarter}の{name}（世界供給の{share}が必要、割当可能シェアは{alloc}、推計値）。"
                          "出典：gigawatt 案件台帳（1案件1ファイル、各数値に種類・日付・出典付き）。2026年6月以降は情報が少なく、後の出来事は「不明」であって「なし」ではない。"),
    # Monte Carlo
    "mc.title_n": (" ({n} samples, seed {seed})", "（{n}サンプル、シード{seed}）"),
    "mc.text": ("Percentiles over the horizon, the months each GW milestone is reached, and fans by month.",
                "期間全体のパーセンタイル、各GWマイルストーンの到達月、月別のファンチャート。"),
    "mc.table": ("Percentiles over the horizon", "期間全体のパーセンタイル"),
    "mc.output": ("Output", "項目"),
    "mc.milestones": ("When each GW milestone is delivered", "各GWマイルストーンの納入時期"),
    "mc.milestone": ("Milestone", "マイルストーン"),
    "mc.p50_month": ("Reached with 50 % probability", "確率50%で到達"),
    "mc.p90_month": ("Reached with 90 % probability", "確率90%で到達"),
    "mc.fan_gw": ("GW online: median and P5–P95 fan", "稼働中GW：中央値とP5～P95の範囲"),
    "mc.fan_capex": ("Cumulative capex: median and P5–P95 fan", "設備投資の累計：中央値とP5～P95の範囲"),
    "mc.median": ("median (P50)", "中央値（P50）"),
    # sensitivity
    "sens.text": ("Each uncertain input alone at its P10 and P90, every other input at the base case: the change in {metric} (base {base}).",
                  "不確実な入力を1つずつP10とP90に動かし、他は基本ケースに固定したときの{metric}の変化（基本ケース{base}）。"),
    "sens.table": ("Tornado: inputs by the swing they cause", "トルネード：影響の大きい入力順"),
    "sens.input": ("Input", "入力"),
    "sens.range": ("P10 → P90 of the input", "入力のP10 → P90"),
    "sens.at_low": ("Result at P10", "P10のときの結果"),
    "sens.at_high": ("Result at P90", "P90のときの結果"),
    "sens.swing": ("Swing", "振れ幅"),
    "sens.chart": ("Tornado: {metric}, change from the base case", "トルネード：{metric}の基本ケースからの変化"),
    "sens.range_series": ("result with the input between its P10 and P90", "入力をP10～P90で動かしたときの結果"),
    "sens.note": ("Each bar runs from the lower to the higher result, measured from the base case (0).",
                  "各バーは結果の小さい側から大きい側までの幅（基本ケースを0とした差）。"),
    "sens.vs_base": (" vs base", "（基本ケース比）"),
    "sens.quantiles": ("P{low} / P{high}; {note}", "P{low}／P{high}。{note}"),
    # the tornado's note (``sensitivity --json`` ``note``, fixed English: :func:`said`)
    "sens.n.tornado": ("one variable at a time at its quantiles, every other input at the base case (the deterministic plan); "
                       "a per-tranche variable moves all its tranches together here",
                       "変数を1つずつ分位点に動かし、他の入力はすべて基本ケース（確定的な計画）に固定。トランシェ別の変数は、"
                       "ここではその全トランシェを同時に動かす"),
    # validation
    "val.text": ("Modelled power of clusters with reported power (planned sites against facility power, operating systems against IT power), "
                 "beside a simple baseline (TDP x 2.44). Nothing is fitted per cluster; run `gigawatt validate` for every row. Cluster data: "
                 "Epoch AI, 'Data on GPU Clusters' and 'Data on Frontier AI Data Centers', epoch.ai, CC BY 4.0.",
                 "電力が公表されているクラスターについて、モデルの電力推計を単純なベースライン（TDP×2.44）と比較（計画中のサイトは施設電力、"
                 "稼働中のシステムはIT電力と比較）。クラスターごとの調整は行っていない。全行は `gigawatt validate` で確認できる。"
                 "クラスターデータ：Epoch AI『Data on GPU Clusters』『Data on Frontier AI Data Centers』（epoch.ai、CC BY 4.0）。"),
    "val.table": ("Power: median absolute error and share within 25 %", "電力：誤差の絶対値の中央値と誤差25%以内の割合"),
    "val.epoch": ("Epoch AI public set", "Epoch AI 公開データ"),
    "val.all": ("All reference clusters", "全参照クラスター"),
    "val.family": ("Family: {f}", "ファミリー：{f}"),
    "val.set": ("Set", "対象"),
    "val.clusters": ("Clusters", "クラスター数"),
    "val.model_err": ("Model median error", "モデルの誤差中央値"),
    "val.model_25": ("Model within 25 %", "モデル誤差25%以内"),
    "val.base_err": ("Baseline median error", "ベースラインの誤差中央値"),
    "val.base_25": ("Baseline within 25 %", "ベースライン誤差25%以内"),
    # sources, scenario
    "src.text": ("Every catalog entry the run used, with how many of its numbers are of each kind ({kinds}); "
                 "`gigawatt catalog show ID` lists each number with its unit and source.",
                 "本分析で使用したカタログ項目と、その数値の種類別の件数（{kinds}）。各数値の単位と出典は `gigawatt catalog show ID` で確認できる。"),
    "src.table": ("Catalog entries used", "使用したカタログ項目"),
    "src.entry": ("Entry", "項目"),
    "src.numbers": ("Numbers", "数値の件数"),
    "src.kinds": ("Kinds", "種類"),
    "src.sources": ("Sources", "出典"),
    "src.as_of": ("As of", "時点"),
    "scn.text": ("The scenario as run (click to open).", "実行したシナリオ（クリックで表示）。"),
    # the page's views (interfaces/dashboard.py): tables, charts and notes of the deal, supply, Monte Carlo and compare tabs
    "dash.warrant": ("Warrant", "ワラント"),
    "dash.warrant_tranches": ("Warrant vesting by tranche", "トランシェ別のワラント権利確定"),
    "dash.shareholder": ("Shareholder view by fiscal year", "会計年度別の株主への影響"),
    "dash.investment": ("Vendor investment", "ベンダーの出資"),
    "dash.vesting_chart": ("Probability each tranche has vested", "各トランシェが権利確定している確率"),
    "dash.probability": ("probability", "確率"),
    "dash.tranche": ("Tranche", "トランシェ"),
    "dash.shares": ("Shares", "株数"),
    "dash.price_hurdle": ("Price hurdle", "株価条件"),
    "dash.milestone_month": ("Milestone month", "マイルストーン達成月"),
    "dash.p_vest": ("P(vest)", "権利確定確率"),
    "dash.expected_vest": ("Expected vest", "権利確定の期待月"),
    "dash.terms": ("Terms", "条件"),
    "dash.public": ("public", "公開"),
    "dash.shares_strike": ("Shares / strike", "株数 / 行使価格"),
    "dash.issued_expires": ("Issued / expires", "発行 / 満期"),
    "dash.stake": ("Stake of shares outstanding (before / after issue)", "発行済株式に対する比率（発行前 / 発行後）"),
    "dash.final_hurdle": ("Worth at the final hurdle", "最終株価条件での価値"),
    "dash.valuation": ("Valuation", "評価方法"),
    "dash.value_mean": ("Value (mean)", "価値（平均）"),
    "dash.p10_p50_p90": ("P10 / P50 / P90", "P10 / P50 / P90"),
    "dash.expected_vested": ("Expected vested shares (dilution)", "権利確定株数の期待値（希薄化）"),
    "dash.operating_income": ("Operating income", "営業利益"),
    "dash.base_is": ("Base is", "ベースの根拠"),
    "dash.eps_after": ("EPS with the deal, after dilution", "案件込みEPS（希薄化後）"),
    "dash.value_per_share": ("Warrant value per existing share", "既存1株当たりのワラント価値"),
    "dash.cash_paid": ("Cash paid (capex + opex)", "支払総額（設備投資 + 運営費）"),
    "dash.payback": ("Payback month", "回収月"),
    "dash.warrant_discount": ("Warrant value as a share of supplier revenue", "サプライヤー売上に対するワラント価値の比率"),
    "dash.investment_total": ("Investment received", "受け取る出資額"),
    "dash.no_terms": ("No deal in this scenario has a warrant, an investment or supplier terms; the built-in openai-amd scenario shows their format.",
                     "このシナリオの案件にはワラント・出資・サプライヤー条件がありません。書式は組み込みシナリオ openai-amd を参照してください。"),
    "dash.value_as_of": ("Values as of {month}; {market}", "{month} 時点の価値。{market}"),
    "dash.market": ("{name} {spot} ({date}), volatility {vol}", "{name} {spot}（{date}）、ボラティリティ {vol}"),
    "dash.hbm_needed": ("HBM needed", "必要なHBM"),
    "dash.hbm_share": ("Share of world HBM", "世界のHBMに占める比率"),
    "dash.cowos_needed": ("CoWoS wafers needed", "必要なCoWoSウェハー"),
    "dash.cowos_share": ("Share of world CoWoS", "世界のCoWoSに占める比率"),
    "dash.binding_col": ("Binds (over the allocable share)", "制約となる投入物（配分可能比率超過）"),
    "dash.supply_chart": ("Share of world supply taken, by quarter", "四半期別の世界供給に占める比率"),
    "dash.allocable": ("allocable share", "配分可能比率"),
    "dash.share_of_world": ("share of world supply", "世界供給に占める比率"),
    "dash.binding": ("Binding supply input: {name} binds first in {quarter} ({share} of world supply against the {allocable} allocable).",
                    "制約となる供給: {name} が {quarter} に最初に制約となります（世界供給の {share}、配分可能比率 {allocable}）。"),
    "dash.no_binding": ("Binding supply input: none at an allocable share of {allocable}.", "制約となる供給: なし（配分可能比率 {allocable} ではHBMもCoWoSも制約になりません）。"),
    "dash.supply_table": ("Binding input by quarter (hardware bought in the quarter)", "四半期別の制約投入物（その四半期に購入されるハードウェア）"),
    "dash.slips": ("Schedule supply allows: slip by tranche", "供給制約下のスケジュール: トランシェ別の遅延"),
    "dash.product": ("Product", "製品"),
    "dash.planned": ("Planned completion", "計画上の完了"),
    "dash.constrained": ("Under supply", "供給制約下"),
    "dash.slip": ("Slip (months)", "遅延（月）"),
    "dash.output": ("Output", "出力"),
    "dash.mean": ("Mean", "平均"),
    "dash.mc_table": ("Monte Carlo percentiles ({samples} samples, seed {seed})", "モンテカルロのパーセンタイル（{samples} サンプル、シード {seed}）"),
    "dash.mc_valuation": ("Warrant valuation inputs (as on the Deal economics tab: the market file's latest where it prices the issuer)",
                          "ワラントの評価前提（「案件の経済性」タブと同じ。発行体の株価が市場データにあればその最新値）"),
    "dash.val_as_of": ("As of", "評価時点"),
    "dash.val_spot": ("Share price", "株価"),
    "dash.val_source": ("Price source", "株価の出典"),
    "dash.val_vol": ("Volatility", "ボラティリティ"),
    "dash.val_rate": ("Risk-free rate", "無リスク金利"),
    "dash.fan_online_gw": ("GW online: P5-P95 fan", "稼働GW: P5-P95 ファンチャート"),
    "dash.fan_delivered_gw": ("GW delivered: P5-P95 fan", "納入GW: P5-P95 ファンチャート"),
    "dash.fan_effective_pflops_bf16": ("Effective BF16 compute: P5-P95 fan", "実効BF16演算性能: P5-P95 ファンチャート"),
    "dash.fan_capex_cumulative_usd": ("Cumulative capex: P5-P95 fan", "累積設備投資: P5-P95 ファンチャート"),
    "dash.completed": ("completed in {share} of samples", "{share} のサンプルで完了"),
    "dash.difference": ("Difference ({b} - {a})", "差（{b} − {a}）"),
    "dash.difference_pct": ("Difference (%)", "差（%）"),
    "dash.compare_title": ("{a} and {b}: outputs, differences and per GW", "{a} と {b}: 出力・差・GW当たり"),
    "dash.inputs_title": ("Inputs", "入力"),
    "dash.horizon": ("Horizon", "期間"),
    "dash.products": ("Products", "製品"),
    "dash.first_start": ("First start", "最初の開始"),
    "dash.topdown": ("Top-down per GW", "GW当たりトップダウン"),
    "dash.discount": ("Discount rate", "割引率"),
    "dash.electricity": ("Electricity", "電力価格"),
    "dash.years": ("years", "年"),
    "dash.chart.gw_by_vendor": ("GW online by vendor", "ベンダー別の稼働GW"),
    "dash.chart.gw_by_product": ("GW online by product", "製品別の稼働GW"),
    "dash.chart.accelerators": ("Accelerators and racks online", "稼働中のアクセラレータとラック"),
    "dash.chart.capex_segments": ("Capex: bottom-up segments vs top-down", "設備投資: ボトムアップの内訳とトップダウン"),
    "dash.chart.capex_cumulative": ("Cumulative capex (bottom-up, incl. refresh)", "累積設備投資（ボトムアップ、更新を含む）"),
    "dash.chart.energy": ("Energy per year", "年間エネルギー"),
    "dash.chart.co2": ("CO2 per year", "年間CO2"),
    "dash.chart.world_gw_by_buyer": ("GW online by buyer (quarter end)", "買い手別の稼働GW（四半期末）"),
    "dash.chart.world_gw_by_vendor": ("GW online by vendor (quarter end)", "ベンダー別の稼働GW（四半期末）"),
    "dash.hidden_same": ("'{hidden}' is not shown: it is the same as '{shown}'", "「{hidden}」は「{shown}」と同じため表示していません"),
    "dash.hidden_one_vendor": ("'{hidden}' is not shown: there is one vendor, and '{shown}' splits it by product",
                              "ベンダーが1社のため「{hidden}」は表示していません（「{shown}」が製品別に示します）"),
    # a yes/no flag's codes (a coded unit of one code, ``1 = refresh at end of life``: :func:`code_word`)
    "code.yes": ("yes", "する"),
    "code.no": ("no", "しない"),
}


def t(key: str, lang: str = "en", **fields) -> str:
    """The string ``key`` in ``lang`` with ``fields`` filled in (the English one if the key has no
    translation; the key itself if unknown, so a missing string shows rather than crashes)."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "ja" and pair[1] else pair[0]
    return text.format(**fields) if fields else text


def keyed(english: str | None, key: str | None, lang: str = "en", params: dict | None = None) -> str | None:
    """A phrase an analysis generated, in ``lang``: the English text its JSON carries, or in another language the
    string ``key`` of :data:`STRINGS` with ``params`` (the shareholder view's assumption rows and notes carry both).

    >>> keyed("base EPS, non-GAAP (FY2025)", "sh.a.base_eps", "ja", {"year": "FY2025"}), keyed("tax rate", "sh.a.tax_rate", "en")
    ('ベースEPS・非GAAP（FY2025）', 'tax rate')
    """
    if lang == "en" or not key or key not in STRINGS:
        return english
    return t(key, lang, **(params or {}))


#: Prefixes of the keys whose English an analysis writes into its JSON as is (no fields): the shareholder view's notes
#: (``sh.n.*``) and revenue bases (``sh.basis.*``), the supply report's notes (``sup.n.*``), the flows' method
#: (``flows.n.*``) and the tornado's note (``sens.n.*``); :func:`said` finds them by their English.
SAID_PREFIXES = ("sh.n.", "sh.basis.", "sup.n.", "flows.n.", "sens.n.")


@functools.cache
def _said_keys(prefixes: tuple[str, ...] = SAID_PREFIXES) -> dict[str, str]:
    return {en: key for key, (en, _) in STRINGS.items() if key.startswith(prefixes) and en and "{" not in en}


def said(english: str | None, lang: str = "en", prefixes: tuple[str, ...] = SAID_PREFIXES) -> str | None:
    """A fixed phrase an analysis wrote in English (a shareholder-view note, a revenue basis), in ``lang``: the
    Japanese of the :data:`STRINGS` key (among those starting with one of ``prefixes``) it is the English of; any
    other text unchanged.

    >>> said("stated", "ja"), said("stated", "en"), said("not a known phrase", "ja")
    ('公表値', 'stated', 'not a known phrase')
    """
    if lang == "en" or not isinstance(english, str):
        return english
    key = _said_keys(prefixes).get(english)
    return t(key, lang) if key else english


# --- the workbook's own words -----------------------------------------------------------------

#: :data:`STRINGS` keys whose English the spreadsheet workbook (``report --xlsx``) also writes as its own words
#: (``bk.t("Value")``): the workbook says them in Japanese as these entries do.
WORKBOOK_KEYS = (
    "dash.warrant", "dash.inputs_title", "src.sources", "col.value", "dash.horizon", "sec.deal", "col.deal",
    "col.supplier", "dash.tranche", "dash.product", "sens.input", "src.as_of", "src.entry", "none", "sec.capex",
    "dash.shares", "dash.val_vol", "dash.val_rate", "w.col_gw", "dash.p_vest", "dash.products", "w.inv_cap",
    "sh.gross", "sh.net", "sec.buyer", "dash.payback", "sh.fy", "dash.operating_income", "sh.base_eps",
    "dash.base_is", "dash.eps_after", "capex.share", "sup.quarter", "dash.mean", "sens.swing", "never",
    "dash.val_spot",
)
#: The workbook's other words in Japanese (sheet titles, column headers, notes), keyed by the English it writes
#: (:func:`workbook_word`; :meth:`gigawatt.interfaces.report.xlsx_book.Book.t`).
WORKBOOK_JA = {
    "Summary": "概要", "Drivers": "ドライバー", "Monthly": "月次", "Deals": "案件", "Tranches": "トランシェ", "Shareholder": "株主視点",
    "Flows": "資金の流れ", "Supply": "供給", "Monte Carlo": "モンテカルロ", "Sensitivity": "感応度", "Scenario": "シナリオ", "Quantity": "項目",
    "Unit": "単位", "Scenario name": "シナリオ名", "Title": "タイトル", "Inputs checked": "入力の確認日",
    "Build-out at full scale": "フル稼働時の構築規模", "Over the horizon": "期間合計", "Month": "月", "Buyer": "買い手", "System": "システム",
    "Start": "開始", "Basis": "基準", "Label": "ラベル", "From": "出所", "Where": "場所", "Kind": "種類", "Source": "出典", "Note": "注記",
    "Field": "フィールド", "File": "ファイル", "Line": "行", "Path": "パス", "Catalog numbers used": "使用したカタログ値",
    "Values the scenario sets": "シナリオで設定した値", "facility": "施設", "IT": "IT", "yes": "はい", "no": "いいえ",
    "no grid constraint": "系統制約なし", "not packaged on CoWoS": "CoWoS実装なし", "linear": "線形", "s-curve": "S字", "step": "段階",
    "scenario": "シナリオ", "catalog": "カタログ", "default": "既定値", "derived": "計算値", "GW online by vendor": "ベンダー別稼働GW",
    "Capex: bottom-up vs top-down": "設備投資：積み上げ vs トップダウン", "Energy per month": "月次電力量", "Online GW": "稼働GW",
    "Online GW by vendor": "ベンダー別稼働GW", "Cumulative capex": "累積設備投資", "Money: nominal USD": "金額：名目米ドル", "World": "世界全体",
    "Item": "項目", "Exchange rate": "為替レート", "Money shown in": "金額の表示通貨", "Rate": "レート", "Rate date": "レートの日付",
    "Capex per GW (bottom-up)": "GWあたり設備投資（積み上げ）", "Capex ratio, top-down / bottom-up": "設備投資比率（トップダウン／積み上げ）",
    "At full build-out": "フル稼働時", "Sums over the horizon": "期間合計", "Key charts": "主要グラフ",
    "Inputs by tranche, with where each value came from": "トランシェ別の入力と各値の出所",
    "Catalog numbers used, with their sources": "使用したカタログ値と出典", "The scenario file as read": "読み込んだシナリオ・ファイル",
    "Monthly series, summed over tranches": "月次系列（トランシェ合計）", "Per deal, at full build-out": "案件別（フル稼働時）",
    "Per tranche, at full build-out": "トランシェ別（フル稼働時）", "Monthly energy": "月次電力量",
    "Deal economics (see the Warrant sheet)": "案件の経済性（ワラントシート参照）", "Warrant and vesting": "ワラントと権利確定", "Strike": "行使価格",
    "Issued": "発行", "Expiry": "満期", "Shares outstanding (pre-deal)": "発行済株式数（案件前）", "Stake before dilution": "希薄化前の持分",
    "Stake after dilution": "希薄化後の持分", "Valuation month": "評価月", "Share price at valuation": "評価時の株価",
    "Warrant value (mean)": "ワラント価値（平均）", "Warrant value P10": "ワラント価値 P10", "Warrant value P50": "ワラント価値 P50",
    "Warrant value P90": "ワラント価値 P90", "Expected vested shares": "権利確定株数の期待値", "Intrinsic value at spot": "現在株価での本源的価値",
    "Value at the final hurdle": "最終ハードル到達時の価値", "Price model": "株価モデル", "Vesting tranches": "権利確定トランシェ",
    "Price hurdle": "株価ハードル", "Expected vest month": "権利確定月の期待値", "GW milestone month": "GWマイルストーン到達月", "Assumed": "仮定",
    "Probability vested by month": "月別の権利確定確率", "Vendor investment": "ベンダー出資", "Investment per GW": "GWあたり出資額",
    "Invested in total": "出資総額", "Cap reached": "上限到達月", "Stake at valuation": "評価額ベースの持分",
    "Supplier revenue and EPS": "供給者の売上とEPS", "Year": "年", "Revenue": "売上",
    "EPS (after warrant dilution)": "EPS（ワラント希薄化後）", "EPS (before dilution)": "EPS（希薄化前）",
    "Warrant shares expected vested": "権利確定見込みのワラント株数", "Revenue per GW": "GWあたり売上", "Revenue basis": "売上の根拠",
    "Cash paid (capex + opex)": "支払現金（設備投資＋運営費）", "Opex": "運営費", "Warrant value received": "受領ワラント価値",
    "Investment received": "受領出資額", "Effective discount on vendor revenue": "ベンダー売上に対する実質割引率",
    "Buyer revenue per GW-year": "GW年あたり買い手売上", "Shareholder view": "株主視点", "Opex (incremental)": "販管費（増分）", "Tax": "税金",
    "Incremental EPS": "増分EPS", "Consensus EPS": "コンセンサスEPS", "Deal revenue, share of consensus": "コンセンサス売上に占める案件売上",
    "EPS with the deal, before dilution": "案件込みEPS（希薄化前）", "Accretion before dilution": "増益率（希薄化前）",
    "Accretion after dilution": "増益率（希薄化後）", "EPS, all warrants fully vested": "EPS（全ワラント権利確定）",
    "Accretion, all warrants fully vested": "増益率（全ワラント権利確定）", "Assumptions": "前提", "What": "項目", "Notes": "注記",
    "Warrant value per existing share": "既存1株あたりワラント価値", "Money flows: capex by segment": "資金の流れ：セグメント別設備投資",
    "Segment": "セグメント", "Per GW": "GWあたり", "Supplier group": "供給者グループ",
    "The headline (top-down) by recipient": "ヘッドライン（トップダウン）の受取先別内訳", "Paid to": "支払先", "Vendor revenue": "ベンダー売上",
    "Vendor": "ベンダー", "Content at catalog prices": "カタログ価格での構成額", "Listed companies": "上場企業", "Company": "企業",
    "Ticker": "ティッカー", "Exchange": "取引所", "Country": "国", "Exposure": "エクスポージャー", "Revenue over the build": "構築期間の売上",
    "Supply: HBM and CoWoS by quarter": "供給：四半期別HBMとCoWoS", "HBM bought": "HBM購入量", "World HBM": "世界のHBM供給",
    "HBM, share of world": "HBMの世界シェア", "CoWoS wafers": "CoWoSウェハー", "World CoWoS wafers": "世界のCoWoSウェハー",
    "CoWoS, share of world": "CoWoSの世界シェア", "HBM stacks": "HBMスタック", "Substrates": "基板",
    "Allocable share of world supply": "割当可能な世界供給シェア", "Binding input": "制約となる入力", "Nothing binds": "制約なし",
    "Monte Carlo: percentiles": "モンテカルロ：パーセンタイル", "Result": "結果", "Fan": "ファン", "Samples": "サンプル数", "Seed": "シード",
    "Milestones: first month with probability": "マイルストーン：確率到達の初月", "GW delivered": "納入GW", "P50 by": "P50到達月",
    "P90 by": "P90到達月", "Share completed": "完了割合", "Sensitivity: tornado": "感応度：トルネード", "Variable": "変数",
    "Low input": "低位の入力", "High input": "高位の入力", "Output at low": "低位での出力", "Output at high": "高位での出力", "Base": "ベース",
    "Change at low": "低位での変化", "Change at high": "高位での変化", "Uncertain inputs drawn": "不確実な入力の抽出", "Distribution": "分布",
    "Per-sample results": "サンプルごとの結果", "unknown": "不明", "Driver": "ドライバー", "Total": "合計", "Engine (as run)": "モデル計算値",
    "Change vs engine": "モデル比の変化", "Results (live formulas)": "結果（数式で再計算）",
    "Inputs (change the yellow cells)": "入力（黄色のセルを変更できます）", "Warrant shares": "ワラント株数",
    "Intrinsic value at this share price": "この株価での本源的価値",
    "Shares vested at full build-out and this price": "全量稼働・この株価で権利確定する株数", "Value of those shares": "その株式の価値",
    "Deal facility GW": "案件の施設GW",
    "Drivers: change an input and the totals recompute in Excel": "ドライバー：入力を変えるとExcelで合計が再計算されます",
    "Formulas are the engine's nameplate formulas; the monthly schedule, Monte Carlo and warrant valuation are not recomputed here. 'Engine (as run)' is the model's figure for the inputs as written.": "数式はモデルの定格計算式です。月次スケジュール、モンテカルロ、ワラント評価はここでは再計算しません。「モデル計算値」は記載どおりの入力でのモデルの値です。",
    "Monte Carlo value (not a formula)": "モンテカルロ評価額（数式ではありません）",
}


@functools.cache
def _workbook_words() -> dict[str, str]:
    return {**{STRINGS[k][0]: STRINGS[k][1] for k in WORKBOOK_KEYS}, **WORKBOOK_JA}


def workbook_word(text: str, lang: str = "en") -> str:
    """One of the workbook's own words (English is the key) in ``lang``: :data:`WORKBOOK_JA`, or the Japanese of a
    :data:`WORKBOOK_KEYS` entry; any other text unchanged.

    >>> workbook_word("Summary", "ja"), workbook_word("Value", "ja"), workbook_word("Value"), workbook_word("not a word", "ja")
    ('概要', '値', 'Value', 'not a word')
    """
    return _workbook_words().get(text, text) if lang == "ja" else text


# --- labels ----------------------------------------------------------------------------------

@functools.cache
def labels_ja() -> dict[tuple[str, str], str]:
    """``{(role, name): Japanese label}`` from ``core/data/labels-ja.csv``."""
    with open(LABELS_JA_FILE, newline="", encoding="utf-8") as fh:
        return {(r["role"], r["name"]): r["label_ja"] for r in csv.DictReader(fh)}


_ROLE_ORDER = ("series", "nameplate", "metric", "input", "scalar", "catalog")
#: Roles of ``labels-ja.csv`` that are not registry parameters: the deal ledger's status, kind and
#: event words, the built-in scenarios' titles and descriptions (by scenario name), the supply inputs
#: that bind (``hbm_gb``, ``cowos_wafers``), the kinds of catalog facts (spec, estimate ...) and the
#: uncertain inputs' distributions and their parameters (triangular, low ...: :func:`distribution`).
WORD_ROLES = ("status", "kind", "event", "scenario_title", "scenario_description", "supply_input", "fact_kind",
              "formula_nameplate", "formula_input", "flow_group", "flow_line", "flow_paid_to", "catalog_section",
              "distribution", "distribution_param")


def word(role: str, key: str, lang: str = "en", english: str | None = None) -> str:
    """A ledger word (``status``, ``kind``, ``event``) in ``lang``: the Japanese of ``labels-ja.csv``, else
    ``english`` (the English label the caller shows), else the key with spaces.

    >>> word("status", "loi", "ja"), word("kind", "cloud-contract", "ja"), word("status", "loi", "en", "letter of intent")
    ('基本合意・条件書', 'クラウド容量契約', 'letter of intent')
    """
    if lang == "ja":
        ja = labels_ja().get((role, str(key)))
        if ja:
            return ja
    return english if english is not None else str(key).replace("-", " ")


def fact_kinds(kinds, lang: str = "en") -> str:
    """The kinds of one or more catalog facts (``estimate``, or several) in ``lang``, each once, in order.

    >>> fact_kinds(["estimate", "spec", "estimate"], "ja"), fact_kinds(["estimate", "spec"]), fact_kinds("derived", "ja"), fact_kinds(None)
    ('推計、仕様', 'estimate, spec', '計算値', '')
    """
    kinds = [kinds] if isinstance(kinds, str) or not kinds else list(kinds)
    words = dict.fromkeys(word("fact_kind", k, lang, k) for k in kinds if k)
    return ("、" if lang == "ja" else ", ").join(words)


def fact_kind_counts(counts: dict, lang: str = "en") -> str:
    """How many numbers are of each kind, in ``lang``: ``8 derived, 28 estimate`` / ``計算値8件、推計28件``.

    >>> fact_kind_counts({"derived": 8, "estimate": 28}), fact_kind_counts({"derived": 8, "estimate": 28}, "ja")
    ('8 derived, 28 estimate', '計算値8件、推計28件')
    """
    if lang == "ja":
        return "、".join(f"{word('fact_kind', k, lang, k)}{n:,}件" for k, n in sorted(counts.items()))
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))


def distribution(dist: dict, lang: str = "en") -> str:
    """An uncertain input's distribution as the scenario gives it (``uncertainty.variables[].dist``), for people.

    >>> distribution({"type": "triangular", "low": 0, "high": 12, "mode": 6})
    'triangular (low 0, high 12, mode 6)'
    >>> distribution({"type": "lognormal", "median": 1, "sigma": 0.15}, "ja"), distribution({"type": "pert", "low": 58}, "ja")
    ('対数正規分布（中央値 1、対数標準偏差 0.15）', 'PERT分布（下限 58）')
    """
    kind = str(dist.get("type", ""))
    shown = [(k, f"{v:g}" if isinstance(v, (int, float)) else str(v)) for k, v in dist.items() if k != "type"]
    if lang != "ja":
        rest = ", ".join(f"{k} {v}" for k, v in shown)
        return f"{kind} ({rest})" if rest else kind
    rest = "、".join(f"{word('distribution_param', k, lang)} {v}" for k, v in shown)
    name = word("distribution", kind, lang)
    return f"{name}（{rest}）" if rest else name


def builtin_scenario_text(name: str, field: str, lang: str = "en") -> str | None:
    """The Japanese title or description (``field``) of a built-in scenario, or None (English, or not built in)."""
    return labels_ja().get((f"scenario_{field}", name)) if lang == "ja" else None


def label(name: str, lang: str = "en", role: str | None = None) -> str:
    """The label a person reads for a registry parameter, in ``lang`` (:func:`gigawatt.core.fmt.label`, the one
    lookup of labels).

    ``role`` picks between an input and an output of the same name (default: series, nameplate, metric,
    input, scalar, catalog — the first the registry has). Unknown names read as their words (never the raw
    field name with underscores).

    >>> label("online_gw"), label("online_gw", "ja"), label("hbm_gb", "ja", "input"), label("prob_full_vest", "ja")
    ('Online GW', '稼働中GW', 'アクセラレーターあたりHBM容量', '全トランシェ権利確定の確率')
    """
    return fmt.label(name, lang, role, _ROLE_ORDER)


#: Unit words that read differently in Japanese (symbols such as GW, MW, TWh stay as they are).
_UNITS_JA = {"months": "か月", "month": "月", "accelerators": "基", "systems": "システム", "racks": "ラック", "shares": "株",
             "wafers": "枚", "stacks": "スタック", "USD": "米ドル", "t": "トン", "Mt": "百万トン", "m3": "m³",
             "months from horizon start": "期間開始からの月数", "W (all-in IT)": "W（全込みIT）", "of system capex": "（システム設備投資比）",
             "1/year": "/年", "good packages per CoWoS wafer": "良品パッケージ/CoWoSウェハー", "g/kWh (location-based)": "g/kWh（ロケーション基準）",
             "g/kWh (market-based)": "g/kWh（マーケット基準）", "TWh/yr": "TWh/年", "Mt/yr": "百万トン/年",
             "USD/yr": "米ドル/年", "million m3": "百万m³", "TWh": "TWh",
             # the codes of flag inputs (the value column says the word), and catalog units that are words
             "1 = facility, 0 = IT": "1 = 施設、0 = IT", "0 linear, 1 s-curve, 2 step": "0 = 線形、1 = S字、2 = 段階",
             "1 = refresh at end of life": "1 = 耐用期間の終了時に更新", "year": "年", "packages/wafer": "パッケージ/ウェハー",
             "GB/year": "GB/年", "wafers/month": "枚/月", "USD/wafer": "米ドル/ウェハー"}


#: Unit words inside formatted figures (``fmt.by_format``'s) as Japanese writes them.
_UNIT_WORDS_JA = [(r" million m3\b", "百万m³"), (r"\bTWh/yr\b", "TWh/年"), (r" Mt/yr\b", "百万トン/年"), (r" Mt\b", "百万トン"),
                  (r" months\b", "か月")]


def unit_words(text: str, lang: str = "en") -> str:
    """A formatted figure with its unit words in ``lang`` (``41.4 million m3`` → ``41.4百万m³``; symbols stay).

    >>> unit_words("41.4 million m3", "ja"), unit_words("36.8 TWh/yr", "ja"), unit_words("67.5 Mt", "ja"), unit_words("67.5 Mt", "en")
    ('41.4百万m³', '36.8 TWh/年', '67.5百万トン', '67.5 Mt')
    """
    if lang != "ja" or not isinstance(text, str):
        return text
    for pattern, repl in _UNIT_WORDS_JA:
        text = re.sub(pattern, repl, text)
    return text


def unit_text(u: str, lang: str = "en") -> str:
    """A unit as the language writes it (``W (all-in IT)`` → ``W（全込みIT）``; symbols stay)."""
    return _UNITS_JA.get(u, u) if lang == "ja" else u


def code_word(code: int, unit: str, english: str, lang: str = "en") -> str:
    """A code of a coded registry unit (``1 = facility, 0 = IT``) as a word in ``lang``: ``english``, the unit's own
    word for it (:func:`gigawatt.analyses.explain.coded_text`), in English; in Japanese the word the unit's Japanese
    legend in :data:`_UNITS_JA` gives the code, and for a yes/no flag (a legend of one code) ``code.yes`` / ``code.no``.

    >>> code_word(1, "0 linear, 1 s-curve, 2 step", "s-curve", "ja"), code_word(0, "1 = refresh at end of life", "no", "ja")
    ('S字', 'しない')
    >>> code_word(1, "1 = facility, 0 = IT", "facility", "ja"), code_word(1, "1 = facility, 0 = IT", "facility")
    ('施設', 'facility')
    """
    if lang != "ja":
        return english
    legend = dict(re.findall(r"(-?\d+) = ([^、]+)", _UNITS_JA.get(unit, "")))
    if len(legend) == 1:
        return t("code.yes" if code else "code.no", lang)
    return legend.get(str(code), english)


def unit(name: str, lang: str = "en", role: str | None = None) -> str:
    """The registry unit of a parameter, in ``lang``."""
    from gigawatt.core.registry import get

    try:
        u = get(name, role).unit
    except Exception:  # noqa: BLE001 - unknown name: no unit
        return ""
    return _UNITS_JA.get(u, u) if lang == "ja" else u


# --- numbers ---------------------------------------------------------------------------------

_CURRENCY_JA = {"USD": "ドル", "JPY": "円", "EUR": "ユーロ", "GBP": "ポンド"}


def currency_word(currency: str, lang: str = "en") -> str:
    """A currency as a label says it: ``JPY`` / ``円``, ``USD`` / ``ドル``."""
    cur = (currency or "USD").upper()
    return _CURRENCY_JA.get(cur, cur) if lang == "ja" else cur


def _ja_big(a: float, digits_oku: int = 0) -> str:
    """A non-negative amount in 兆 / 億 / 万 (``1.898e11`` → ``1,898億``); under 10万 in full (``12,616``: whole
    万 would round it to ``1万``)."""
    if a >= 1e12:
        return f"{a / 1e12:,.1f}兆"
    if a >= 1e8:
        return f"{a / 1e8:,.{digits_oku}f}億"
    if a >= 1e5:
        return f"{a / 1e4:,.0f}万"
    return f"{a:,.0f}"


def money(x: float | None, lang: str = "en", currency: str = "USD", per_usd: float = 1.0) -> str:
    """An amount given in USD, shown in ``currency`` (``per_usd`` units per dollar) as the language writes it."""
    if x is None:
        return "-"
    if lang != "ja":
        return fmt.money(x, currency, per_usd)
    v = x * per_usd
    cur = currency.upper()
    word = _CURRENCY_JA.get(cur, " " + cur)
    return f"{'-' if v < 0 else ''}{_ja_big(abs(v))}{word}"


def per_share(x: float | None, lang: str = "en", currency: str = "USD", per_usd: float = 1.0) -> str:
    """A per-share or per-hour amount (keeps cents): ``$4.17`` / ``4.17ドル``."""
    if x is None:
        return "-"
    if lang != "ja":
        return fmt.per_share(x, currency, per_usd)  # yen from ¥100 up without cents: ¥31,340
    v = x * per_usd
    cur = currency.upper()
    digits = 0 if cur == "JPY" and abs(v) >= 100 else 2  # yen without sen, except small amounts (a 1-cent strike: 1.57円)
    return f"{v:,.{digits}f}{_CURRENCY_JA.get(cur, ' ' + cur)}"


def money_axis(lang: str = "en", currency: str = "USD") -> tuple[float, str]:
    """(divisor, axis title) for money on a chart axis: $B in English, 億ドル / 兆円 in Japanese."""
    cur = currency.upper()
    if lang == "ja":
        return (1e12, "兆円") if cur == "JPY" else (1e8, "億" + _CURRENCY_JA.get(cur, cur))
    sym = fmt.CURRENCY_SYMBOLS.get(cur, cur + " ")
    return (1e12, f"{sym}T") if cur == "JPY" else (1e9, f"{sym}B")


def shares(x: float | None, lang: str = "en") -> str:
    """A share count: ``160.0M`` / ``1億6,000万株``."""
    if x is None:
        return "-"
    if lang != "ja":
        return f"{x / 1e6:,.1f}M"
    a = round(abs(x))
    oku, man = divmod(round(a / 1e4), 10_000)
    text = (f"{oku:,}億" if oku else "") + (f"{man:,}万" if man else "")
    return (text or f"{a:,}") + "株"


def pct(x: float | None, lang: str = "en", digits: int = 1) -> str:
    """A fraction as a percentage: ``0.6568`` → ``65.7%``."""
    return "-" if x is None else f"{x * 100:,.{digits}f}%"


def number(x: float | None, lang: str = "en", digits: int = 1, unit_text: str = "") -> str:
    if x is None:
        return "-"
    text = f"{x:,.{digits}f}"
    if not unit_text or unit_text == "%":
        return text + unit_text
    return f"{text} {unit_text}" if lang != "ja" or re.match(r"[A-Za-z]", unit_text) else f"{text}{unit_text}"


def count(x: float | None, lang: str = "en") -> str:
    return "-" if x is None else f"{round(x):,}"


def month(m: str | None, lang: str = "en") -> str:
    """``2026-07`` → ``Jul 2026`` / ``2026年7月`` (other text is returned as it is)."""
    if not m:
        return "-"
    hit = re.fullmatch(r"(\d{4})-(\d{2})", str(m))
    if not hit:
        return str(m)
    y, mo = int(hit[1]), int(hit[2])
    return f"{y}年{mo}月" if lang == "ja" else f"{_MONTHS_EN[mo - 1]} {y}"


def quarter(q: str, lang: str = "en", short: bool = False) -> str:
    """``2026-Q3`` → ``Q3 2026`` / ``2026年第3四半期`` (``short``, for chart axes: ``2026年Q3``)."""
    hit = re.fullmatch(r"(\d{4})-Q([1-4])", str(q))
    if not hit:
        return str(q)
    if lang == "ja":
        return f"{hit[1]}年Q{hit[2]}" if short else f"{hit[1]}年第{hit[2]}四半期"
    return f"Q{hit[2]} {hit[1]}"


def day(d: _dt.date | None = None, lang: str = "en") -> str:
    """A date: ``29 November 2026`` / ``2026年11月29日``."""
    d = d or _dt.date.today()
    return f"{d.year}年{d.month}月{d.day}日" if lang == "ja" else f"{d.day} {d.strftime('%B')} {d.year}"


#: The world view's generated English phrases (reasons a deal is left out, notes) in Japanese: (pattern, replacement),
#: applied in order by :func:`world_phrase`. Free text from the ledger's files (a deal's own note) stays as written.
WORLD_PHRASES_JA = [
    (r"neither GW nor a sizeable quantity \(accelerator count, or contract dollars with a term and named hardware\) is stated: "
     r"left out of GW totals", "GWも規模を算定できる数量（アクセラレーター数、または期間と機器を明記した契約額）も記載がないため、GW合計から除外"),
    (r"^partly: stated GW without named hardware or a schedule for this part: counted in stated GW, not sized in the engine",
     "一部：この部分は機器・日程の記載がないGWのため、公表GWに計上し、エンジンでは規模を算定しない"),
    (r"^counted in ([\w.-]+): ", r"\1 に含めて計上："),
    (r" ?\(status ([\w -]+): weight ([\d.]+)\)", lambda m: f"（ステータス：{word('status', m[1], 'ja')}、ウェイト{m[2]}）"),
    (r"^GW of basis 'unstated' are read as facility power; stated IT GW are converted at PUE ([\d.]+) \(the catalog's for a (\w+) site\)",
     r"基準が明記されないGWは施設電力として扱い、IT GWはPUE \1（カタログの\2サイトの値）で換算"),
    (r"^every modelled deal runs at one site default \(cooling (\w+), region ([\w-]+)\); non-US sites use US prices and carbon",
     r"モデル化した全案件は共通のサイト既定値（冷却 \1、地域 \2）で計算。米国外のサイトにも米国の電力価格と排出係数を使用"),
    (r"^hardware revenue = system \+ network capex of the modelled tranches at catalog prices, by the accelerator's vendor",
     "ハードウェア売上＝モデル化したトランシェのシステム＋ネットワーク設備投資（カタログ価格）、アクセラレーターのベンダー別"),
    (r"^cloud revenue = stated contract value spread evenly over its stated term from its start \(contracts with both\)",
     "クラウド売上＝公表された契約額を開始月から公表期間にわたり均等に配分（両方が公表された契約のみ）"),
    (r"^equity investments are money flows, not GW", "出資は資金の流れであり、GWではない"),
    (r"^sources thin out after about June 2026: later events are unknown, not absent",
     "2026年6月頃以降は情報源が少なく、それ以降の出来事は「なし」ではなく「不明」"),
    (r"^cloud revenue of ([\w.-]+) not spread: needs a stated value, term and start", r"\1 のクラウド売上は未配分（契約額・期間・開始月の公表が必要）"),
]


#: Formulas in words of derived input values (``scenario.inputs.derived_origin``) and their parts that are not registry
#: inputs, in Japanese (a registered part, such as ``accelerators_per_system``, reads as its registry label).
DERIVED_JA = {
    "system power / accelerators per system x cluster IT overhead": "システム電力 ÷ システムあたりアクセラレーター数 × クラスターのIT電力オーバーヘッド",
    "system power x systems per rack": "システム電力 × ラックあたりシステム数",
    "energy mix: share-weighted prices and intensities of the site's power sources": "電源構成：サイトの各電源の価格と排出係数をシェアで加重平均",
    "estimated from the HBM stack count (16 per wafer at 8 stacks) x CoWoS yield": "HBMスタック数から推計（8スタックでウェハーあたり16個）× CoWoS歩留まり",
    "packages per CoWoS wafer x CoWoS yield": "CoWoSウェハーあたりパッケージ数 × CoWoS歩留まり",
    "later of the requested start and the grid-ready month": "希望開始月と系統接続完了月の遅い方",
    "system_power": "システム電力", "overhead": "オーバーヘッド", "packages": "パッケージ数", "yield": "歩留まり", "requested": "希望開始月",
    "grid": "系統接続完了月", "stacks": "スタック数", "mix": "電源構成", "grid_price": "系統電力の価格", "grid_carbon": "系統電力の排出係数",
}


def derived_formula(formula: str, lang: str = "en") -> str:
    """The formula in words of a derived input value (``scenario.inputs.derived_origin``) in ``lang``."""
    return DERIVED_JA.get(formula, formula) if lang == "ja" else formula


def derived_part(name: str, lang: str = "en") -> str:
    """A part of a derived input value: the label of its registry row (an input such as ``accelerators_per_system``, a
    catalog value such as ``cowos_yield``), else its words (in Japanese from :data:`DERIVED_JA`).

    >>> derived_part("cowos_yield"), derived_part("cowos_yield", "ja"), derived_part("system_power"), derived_part("grid", "ja")
    ('CoWoS yield', 'CoWoS歩留まり', 'system power', '系統接続完了月')
    """
    from gigawatt.core.registry import params

    for role in ("input", "catalog"):
        if (role, name) in params():
            return label(name, lang, role)
    return DERIVED_JA.get(name, name.replace("_", " ")) if lang == "ja" else name.replace("_", " ")


#: Generated phrases of other outputs (flows, the shareholder view) in Japanese, as :data:`WORLD_PHRASES_JA`.
WORLD_PHRASES_JA += [
    (r"^unknown as of (\d{4}-\d{2}(-\d{2})?)$", r"\1時点で不明"),
    (r"^unknown$", "不明"),
    (r"^scenario input$", "シナリオの入力"),
    (r"([\d,]+) simulated GBM paths \(seed (\d+)\)", r"GBMによる株価パス \1本（シード \2）"),
    (r"^consensus (FY\d{4})", r"\1 コンセンサス"),
    (r"^(FY\d{4}) actual", r"\1 実績"),
    # flows' vendor revenue basis
    (r"^stated: ([\d.]+)B USD per GW \((.*)\)$", lambda m: f"公表値：1GWあたり{money(float(m[1]) * 1e9, 'ja')}（{m[2]}）"),
    (r"^content at catalog system prices: (.*)$",
     lambda m: "カタログのシステム価格での取り分：" + "、".join(t(f"seg.{k}", "ja") if f"seg.{k}" in STRINGS else k for k in m[1].split(", "))),
    # where an input came from (``scenario.inputs`` origins): the scenario file and the notes of defaults and gaps
    (r"^built-in scenario ", "組み込みシナリオ "),
    (r"^the scenario$", "シナリオ"),
    (r"^[a-z_]+ not written: the scenario schema's default$", "シナリオに記載なし（スキーマの既定値）"),
    (r"^no grid constraint stated$", "系統接続の制約の記載なし"),
    (r"^([a-z_]+)\.([\w-]+) has no [a-z0-9_]+$", r"カタログ \1/\2 にこの値の記載なし"),
    (r"^([\w-]+) has no [a-z0-9_]+$", r"\1 にこの値の記載なし"),
]


def world_phrase(text: str, lang: str = "en") -> str:
    """A generated phrase (a world-view reason or note, ``unknown as of ...``) in ``lang`` (:data:`WORLD_PHRASES_JA`)."""
    if lang != "ja" or not isinstance(text, str) or not text:
        return text
    for pattern, repl in WORLD_PHRASES_JA:
        text = re.sub(pattern, repl, text)
    return text


#: The world section's English table headings and row labels in Japanese (the numbers stay those of `present.section`).
WORLD_JA = {
    "World headline": "世界全体の概要", "Deals: status and GW counted, sized and left out": "案件：ステータスと計上・規模算定・除外GW",
    "Binding supply input": "制約となる供給要素", "As of": "基準日", "Deals selected": "対象案件数",
    "Counted (stated, or sized from counts and contracts)": "計上GW（公表値、または数量・契約額から算定）",
    "Sized in the engine": "エンジンで規模算定", "Stated without hardware or schedule (not sized)": "機器・日程の記載なし（規模算定対象外）",
    "Accelerators (sized part)": "アクセラレーター数（算定分）", "Capex, bottom-up / top-down": "設備投資（ボトムアップ／トップダウン）",
    "Energy at full build-out": "全面稼働時の年間電力量", "Status weights": "ステータス別ウェイト",
    "Deal": "案件", "Buyer": "買い手", "Seller": "売り手", "Kind": "種類", "Status": "ステータス", "Status weight": "ウェイト",
    "Stated (GW, facility)": "公表（施設GW）", "Counted (GW)": "計上（GW）", "Sized in the engine (GW)": "規模算定（GW）",
    "Stated, not sized (GW)": "公表・未算定（GW）", "Why left out or not sized": "除外・未算定の理由", "Input": "要素",
    "Binds first": "最初に制約となる時期", "Share of world supply needed": "必要な世界供給シェア", "Allocable share": "割当可能シェア",
    "Allocation rule": "配分ルール", "Deals that slip": "遅延する案件数",
    "GW online by buyer (quarter end)": "買い手別の稼働GW（四半期末）", "GW online by vendor (quarter end)": "ベンダー別の稼働GW（四半期末）",
}
