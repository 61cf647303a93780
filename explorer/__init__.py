"""Zone Timeline Explorer: linked timeline, map and detail views of Shanxi's development zones."""

# The one place the version is written (pyproject.toml reads it); a literal, because
# asking importlib.metadata costs ~50 ms of start-up.
__version__ = "0.1.0"

APP_NAME = "Zone Timeline Explorer"
APP_NAME_ZH = "开发区时间线"
ORG_NAME = "ZoneTimeline"
ORG_DOMAIN = "zonetimeline.example"
