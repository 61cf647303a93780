"""Names of the event database's tables and columns, as plain strings.

The schema itself is defined once, by the SQLAlchemy models of :mod:`explorer.core.schema`
(used to create and write databases).  Opening and reading a database must not import
SQLAlchemy (it would cost ~0.4 s at start-up), so the read path takes the names it needs
from here; ``tests/core/test_tables.py`` checks that they match the models exactly.
"""

from __future__ import annotations

SCHEMA_VERSION = 4  # bump on any change to the tables; another version is refused

# table -> its columns, in the order of the models in explorer/core/schema.py
TABLES: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "articles": ("id", "outlet_zh", "outlet_en", "title_zh", "title_en", "authors", "published",
                 "published_precision", "published_basis", "published_confidence", "script", "defects"),
    "zones": ("id", "seq", "name_zh", "name_en", "kind", "parent_id", "depth", "lat", "lon", "approximate"),
    "zone_names": ("id", "zone_id", "name", "kind"),
    "categories": ("id", "seq", "zh", "en", "description", "description_zh"),
    "storylines": ("id", "seq", "zh", "en"),
    "conflicts": ("id", "note_zh", "note_en"),
    "events": ("id", "seq", "date", "date_precision", "date_end", "date_end_precision", "year", "year_end",
               "t_start", "t_end", "inferred", "inference", "inference_zh", "status", "zone_id", "category_id",
               "importance", "title_zh", "title_en", "summary_zh", "summary_en", "conflict_id", "search_text"),
    "event_storylines": ("event_id", "storyline_id"),
    "figures": ("id", "event_id", "seq", "value", "value_to", "unit", "label_zh", "label_en"),
    "citations": ("id", "event_id", "seq", "article_id", "para", "start", "end"),
    "passages": ("citation_id", "text", "hl_start", "hl_end"),
    "column_cache": ("name", "data"),
    "search_grams": ("gram", "rows", "head_alone", "tail_alone"),
}
