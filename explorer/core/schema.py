"""The event database schema (SQLAlchemy 2.x typed ORM).

Documented in ``db/README.md``.  Bump :data:`SCHEMA_VERSION` (kept with the plain table
and column names of :mod:`explorer.core.tables`, which the read path uses instead of
these models) on any change to the tables; the app refuses a database of another version
with a clear message.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from explorer.core.tables import SCHEMA_VERSION as SCHEMA_VERSION  # re-exported


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Meta(Base):
    """Key/value facts about the file: schema version, app version, source digest."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ArticleRow(Base):
    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    outlet_zh: Mapped[str] = mapped_column(Text)
    outlet_en: Mapped[str] = mapped_column(Text)
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    authors: Mapped[str] = mapped_column(Text)  # JSON list
    published: Mapped[str] = mapped_column(String(10))  # partial date, e.g. "2024-11"
    published_precision: Mapped[str] = mapped_column(String(5))
    published_basis: Mapped[str] = mapped_column(Text)
    published_confidence: Mapped[str] = mapped_column(String(6))
    script: Mapped[str] = mapped_column(String(12))
    defects: Mapped[str] = mapped_column(Text)  # JSON list


class ZoneRow(Base):
    __tablename__ = "zones"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # depth-first hierarchy order
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("zones.id"), nullable=True)
    depth: Mapped[int] = mapped_column(Integer)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    approximate: Mapped[bool] = mapped_column(Boolean)


class ZoneNameRow(Base):
    """Aliases and former names (阳泉经济开发区 → 阳泉经济技术开发区 → 阳泉高新区)."""

    __tablename__ = "zone_names"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8))  # "alias" | "former"


class CategoryRow(Base):
    __tablename__ = "categories"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    zh: Mapped[str] = mapped_column(Text)
    en: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)  # English
    description_zh: Mapped[str] = mapped_column(Text)


class StorylineRow(Base):
    __tablename__ = "storylines"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    zh: Mapped[str] = mapped_column(Text)
    en: Mapped[str] = mapped_column(Text)


class ConflictRow(Base):
    __tablename__ = "conflicts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    note_zh: Mapped[str] = mapped_column(Text)
    note_en: Mapped[str] = mapped_column(Text)


class EventRow(Base):
    """One happening.  Dates are partial: ``date`` keeps exactly its precision."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # chronological order
    date: Mapped[str] = mapped_column(String(10))
    date_precision: Mapped[str] = mapped_column(String(5))
    date_end: Mapped[str | None] = mapped_column(String(10), nullable=True)
    date_end_precision: Mapped[str | None] = mapped_column(String(5), nullable=True)
    year: Mapped[int] = mapped_column(Integer)
    year_end: Mapped[int] = mapped_column(Integer)
    t_start: Mapped[float] = mapped_column(Float)  # fractional years covered, for drawing
    t_end: Mapped[float] = mapped_column(Float)
    inferred: Mapped[bool] = mapped_column(Boolean)
    inference: Mapped[str] = mapped_column(Text)  # how an inferred date was worked out (English)
    inference_zh: Mapped[str] = mapped_column(Text)  # the same in Chinese
    status: Mapped[str] = mapped_column(String(10))
    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"))
    category_id: Mapped[str] = mapped_column(ForeignKey("categories.id"))
    importance: Mapped[int] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    summary_zh: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str] = mapped_column(Text)
    conflict_id: Mapped[str | None] = mapped_column(ForeignKey("conflicts.id"), nullable=True)
    search_text: Mapped[str] = mapped_column(Text)  # normalised titles, summaries, zone names

    __table_args__ = (
        Index("ix_events_zone_year", "zone_id", "year"),
        Index("ix_events_year", "year"),
        Index("ix_events_category", "category_id"),
    )


class EventStorylineRow(Base):
    __tablename__ = "event_storylines"
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    storyline_id: Mapped[str] = mapped_column(ForeignKey("storylines.id"), primary_key=True, index=True)


class FigureRow(Base):
    __tablename__ = "figures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    value_to: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str] = mapped_column(String(16))
    label_zh: Mapped[str] = mapped_column(Text)
    label_en: Mapped[str] = mapped_column(Text)


class CitationRow(Base):
    __tablename__ = "citations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), index=True)
    para: Mapped[int] = mapped_column(Integer)  # 1-based line in the article file
    start: Mapped[int] = mapped_column(Integer)  # character offsets in the file, half-open
    end: Mapped[int] = mapped_column(Integer)


class PassageRow(Base):
    """The cited passage, normalised (glosses stripped, page debris removed).

    Present only when the database was built with ``--corpus``.
    """

    __tablename__ = "passages"
    citation_id: Mapped[int] = mapped_column(ForeignKey("citations.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    hl_start: Mapped[int] = mapped_column(Integer)
    hl_end: Mapped[int] = mapped_column(Integer)


class ColumnCacheRow(Base):
    """The drawing and filtering columns packed as one blob (see ``store.pack_columns``).

    Reading one blob is what keeps opening a million-event database fast; a database
    without it is read row by row.
    """

    __tablename__ = "column_cache"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SearchGramRow(Base):
    """Posting lists: the rows whose ``events.search_text`` holds each run of one, two or
    three characters (white space excluded); for three characters also the rows where the
    first two occur without the third after them (``head_alone``), and where the last two
    occur without the first before them (``tail_alone``).

    Written by ``explorer.core.search.write_postings``, whose docstring describes the blobs.
    """

    __tablename__ = "search_grams"
    gram: Mapped[str] = mapped_column(Text, primary_key=True)
    rows: Mapped[bytes] = mapped_column(LargeBinary)
    head_alone: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tail_alone: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
