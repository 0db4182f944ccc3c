"""The Array API standard namespace of safearray (``x.__array_namespace__()``)."""

from __future__ import annotations

__array_api_version__ = "2024.12"
SUPPORTED_VERSIONS = ("2023.12", "2024.12")
