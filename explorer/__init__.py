"""Zone Timeline Explorer: linked timeline, map and detail views of Shanxi's development zones."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("zone-timeline-explorer")
except _metadata.PackageNotFoundError:  # running from a checkout without installation
    __version__ = "0.1.0"

APP_NAME = "Zone Timeline Explorer"
APP_NAME_ZH = "开发区时间线"
ORG_NAME = "ZoneTimeline"
ORG_DOMAIN = "zonetimeline.example"
