"""Build an Anki deck of acupressure points from YAML data files."""

__version__ = "0.1.0"
