"""PyInstaller hook for pydantic, in place of pyinstaller-hooks-contrib's.

That one collects every submodule (pydantic redirects and imports some by name). This one does
the same less the two that pyinstaller.spec excludes, so the build does not warn about them:
the legacy v1 API and the mypy plugin.
"""

from PyInstaller.utils.hooks import collect_submodules  # type: ignore[import-untyped]

LEFT_OUT = ("pydantic.v1", "pydantic.mypy")

hiddenimports = collect_submodules(
    "pydantic", filter=lambda name: not any(name == m or name.startswith(m + ".") for m in LEFT_OUT)
)
