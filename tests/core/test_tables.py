"""The plain table and column names of the read path are those of the ORM schema."""

from explorer.core import schema, tables


def test_table_names_match_the_schema():
    assert schema.SCHEMA_VERSION == tables.SCHEMA_VERSION
    orm = {name: tuple(c.name for c in t.columns) for name, t in schema.Base.metadata.tables.items()}
    assert tables.TABLES == orm


def test_tables_module_imports_no_sqlalchemy():
    import subprocess
    import sys

    code = "import sys, explorer.core.tables; sys.exit('sqlalchemy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
