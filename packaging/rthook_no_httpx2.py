"""PyInstaller runtime hook: a stand-in for httpx2, which the build leaves out.

genai_prices imports httpx2 when it is imported (genai_prices.update_prices), but uses it only
in ``UpdatePrices``, to download newer prices. The app never does that: it prices with the table
shipped inside genai_prices. So the build leaves httpx2 and its dependencies out (pyinstaller.spec)
and this empty module takes its place; using any of it fails with a clear error, never a request.
"""

from __future__ import annotations

import sys
import types
from typing import NoReturn


class _LeftOut(types.ModuleType):
    def __getattr__(self, name: str) -> NoReturn:
        raise AttributeError(
            f"httpx2.{name}: httpx2 is not in this build (genai-prices' online update is unused)"
        )


sys.modules.setdefault("httpx2", _LeftOut("httpx2"))
