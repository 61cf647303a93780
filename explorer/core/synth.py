"""Synthetic event databases of realistic shape, for benchmarks (``db synth``).

Built through the same schema as the real data: dates 1900–2030 in all three
precisions, about 200 zones in the real hierarchy (the curated zones plus generated
parks and company sites under them), the real categories and storylines, Chinese
titles and summaries of realistic length, figures and citations.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sqlalchemy import insert

from explorer.core import paths
from explorer.core.build import check_target, finish_database, new_database, write_curated, write_indexes, zone_order
from explorer.core.curated import Curated, Zone, load_curated
from explorer.core.dates import PartialDate
from explorer.core.schema import CitationRow, EventRow, EventStorylineRow, FigureRow
from explorer.core.text import normalise_for_search

_SUBJECTS = ("高新区", "开发区", "管委会", "平台公司", "园区", "招商公司", "阀门公司", "数科集团", "产业基金", "孵化器")
_VERBS = ("启动", "完成", "签约", "开工", "投产", "获批", "设立", "推进", "发布", "举办", "引进", "建成")
_OBJECTS = ("智能制造项目", "标准厂房", "数字经济产业园", "新能源电池项目", "泵阀产业园", "人才公寓", "充换电站",
            "绩效管理改革", "全代办服务", "产业投资母基金", "道路工程", "污水处理厂", "蓝宝石长晶项目", "创新创业大赛")
_FILLER = ("围绕转型发展目标", "按照省市统一部署", "在各方协同推进下", "为优化营商环境", "依托产业基础",
           "聚焦主导产业", "通过市场化运作", "以改革创新为动力")
_UNITS = ("亿元", "万元", "亩", "万平方米", "公里", "家", "个", "%", "人", "项")
# The reasoning of a synthetic event's inferred date (English, Chinese).
_INFERENCE = ("Synthetic: dated by the publication of the report that mentions it.", "合成数据：按提及它的报道的发表日期推定。")
_EN = ("Zone", "park", "project", "reform", "fund", "factory", "platform", "contest", "road", "station")


def _synthetic_zones(cur: Curated, target: int, rng: np.random.Generator) -> None:
    hosts = [z for z in cur.zones.values() if z.kind in ("development-zone", "county", "park")]
    i = 0
    while len(cur.zones) < target:
        host = hosts[i % len(hosts)]
        i += 1
        kind = "park" if host.kind != "park" else "company-site"
        zid = f"synth-{host.id}-{i}"
        name = f"{host.name_zh.removesuffix('开发区')}第{i}{'园区' if kind == 'park' else '企业'}"
        cur.zones[zid] = Zone(zid, name, f"{host.name_en} site {i}", kind, host.id,
                              host.lat + rng.normal(0, 0.03), host.lon + rng.normal(0, 0.03), True, [], [])


def synthesise(n: int, out: Path, seed: int = 1, source: Path | None = None, zones: int = 200) -> int:
    """Write a database of ``n`` synthetic events to ``out`` (atomically); return ``n``.

    Raises
    ------
    ValueError
        ``n`` is negative.
    OSError
        ``out`` cannot be written (see :func:`~explorer.core.build.check_target`);
        nothing is left behind.
    """
    if n < 0:
        raise ValueError(f"the number of events must not be negative (got {n})")
    out = Path(out)
    check_target(out)
    rng = np.random.default_rng(seed)
    cur = load_curated(Path(source) if source else paths.curated_dir())
    cur.events = []
    cur.conflicts = {}
    _synthetic_zones(cur, zones, rng)
    with new_database(out) as (engine, tmp):
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=OFF")
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            write_curated(conn, cur, "synthetic", None)
            _write_events(conn, cur, n, rng)
            write_indexes(conn)
        finish_database(tmp)
    return n


def _write_events(conn, cur: Curated, n: int, rng: np.random.Generator, chunk: int = 50000) -> None:
    zone_ids = [zid for zid, _ in zone_order(cur)]
    cats = list(cur.categories)
    stories = list(cur.storylines)
    articles = sorted(cur.articles)
    years = np.sort(rng.integers(1900, 2031, n))
    prec = rng.choice(3, n, p=(0.35, 0.35, 0.30))
    months = rng.integers(1, 13, n)
    days = rng.integers(1, 29, n)
    zone_pick = rng.zipf(1.6, n) % len(zone_ids)
    order = np.lexsort((days * (prec == 2), months * (prec >= 1), years))
    seq = 0
    for start in range(0, n, chunk):
        idx = order[start : start + chunk]
        events, links, figs, cites = [], [], [], []
        for k in idx:
            y = int(years[k])
            p = int(prec[k])
            d = PartialDate(y, int(months[k]) if p >= 1 else None, int(days[k]) if p == 2 else None)
            t0, t1 = d.span()
            zone = zone_ids[int(zone_pick[k])]
            s, v, o, f = (_SUBJECTS[rng.integers(len(_SUBJECTS))], _VERBS[rng.integers(len(_VERBS))],
                          _OBJECTS[rng.integers(len(_OBJECTS))], _FILLER[rng.integers(len(_FILLER))])
            val = int(rng.integers(1, 5000))
            unit = _UNITS[rng.integers(len(_UNITS))]
            title = f"{s}{v}{o}"
            summary = f"{f}，{cur.zones[zone].name_zh}{s}于{d.format('zh')}{v}{o}，涉及{val}{unit}，带动相关产业发展。"
            eid = f"synth-{seq:07d}"
            status = "planned" if y > 2025 else ("reported" if rng.random() < 0.1 else "occurred")
            inferred = bool(rng.random() < 0.15)
            events.append({
                "id": eid, "seq": seq, "date": d.iso(), "date_precision": d.precision.label, "date_end": None,
                "date_end_precision": None, "year": y, "year_end": y, "t_start": t0, "t_end": t1,
                "inferred": inferred, "inference": _INFERENCE[0] if inferred else "",
                "inference_zh": _INFERENCE[1] if inferred else "", "status": status,
                "zone_id": zone, "category_id": cats[int(rng.integers(len(cats)))],
                "importance": int(rng.integers(1, 4)),
                "title_zh": title, "title_en": f"{_EN[seq % len(_EN)]} {v} #{seq}", "summary_zh": summary,
                "summary_en": f"Synthetic event {seq} in {cur.zones[zone].name_en}.", "conflict_id": None,
                "search_text": normalise_for_search(f"{title} {summary} {cur.zones[zone].name_zh}"),
            })
            if rng.random() < 0.4:
                links.append({"event_id": eid, "storyline_id": stories[int(rng.integers(len(stories)))]})
            figs.append({"event_id": eid, "seq": 0, "value": float(val), "value_to": None, "unit": unit,
                         "label_zh": "规模", "label_en": "size"})
            cites.append({"event_id": eid, "seq": 0, "article_id": articles[seq % len(articles)],
                          "para": 1, "start": 0, "end": 1})
            seq += 1
        conn.execute(insert(EventRow), events)
        if links:
            conn.execute(insert(EventStorylineRow), links)
        conn.execute(insert(FigureRow), figs)
        conn.execute(insert(CitationRow), cites)
