"""``records.NamedTuple`` makes the class typing.NamedTuple makes."""

from __future__ import annotations

import pickle
import typing

import pytest

from codex_presence_gui.core import records
from codex_presence_gui.core.discovery import FileStat


class Ours(records.NamedTuple):
    """A point."""

    x: int
    y: float = 0.5
    label: str = ""

    @property
    def total(self) -> float:
        return self.x + self.y

    @classmethod
    def origin(cls) -> Ours:
        return cls(0)

    def __str__(self) -> str:
        return f"{self.x}, {self.y}"


class Theirs(typing.NamedTuple):
    """A point."""

    x: int
    y: float = 0.5
    label: str = ""

    @property
    def total(self) -> float:
        return self.x + self.y

    @classmethod
    def origin(cls) -> Theirs:
        return cls(0)

    def __str__(self) -> str:
        return f"{self.x}, {self.y}"


def test_the_same_class() -> None:
    ours, theirs = Ours(3), Theirs(3)
    assert ours == theirs == (3, 0.5, "")
    assert repr(ours) == repr(theirs).replace("Theirs", "Ours")
    assert str(ours) == str(theirs)
    assert Ours._fields == Theirs._fields
    assert Ours._field_defaults == Theirs._field_defaults
    assert list(Ours.__annotations__) == list(Theirs.__annotations__)
    assert ours._replace(label="a") == theirs._replace(label="a")
    assert ours._asdict() == theirs._asdict()
    assert ours.total == theirs.total == 3.5
    assert Ours.origin() == Theirs.origin() == (0, 0.5, "")
    assert Ours.__doc__ == Theirs.__doc__ == "A point."
    assert (Ours.__module__, Ours.__qualname__) == (__name__, "Ours")
    assert isinstance(ours, tuple)
    assert hash(ours) == hash(theirs)
    assert pickle.loads(pickle.dumps(ours)) == ours
    with pytest.raises(AttributeError):
        ours.x = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        Ours()  # type: ignore[call-arg]


def test_what_the_package_declares() -> None:
    stat = FileStat(1, 2, 3, 4.0)
    assert stat.ctime == 0.0
    assert stat._replace(size=9) == (1, 2, 9, 4.0, 0.0)
    assert pickle.loads(pickle.dumps(stat)) == stat  # rollouts go to worker processes
