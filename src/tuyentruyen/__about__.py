"""Version of the tuyentruyen distribution."""

__version__ = "0.1.0"
