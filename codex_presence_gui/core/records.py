"""``NamedTuple`` as ``typing.NamedTuple`` declares it, without importing typing (and re).

A repeat ``report`` imports no more than it needs, and typing with the re it imports would be
a tenth of its time. Type checkers see ``typing.NamedTuple`` itself; at run time the class
syntax builds the same ``collections.namedtuple`` class, with the body's methods, properties,
docstring and defaults. Only what this package uses is supported: no generics, and the module
must use ``from __future__ import annotations`` (field names come from ``__annotations__``).
"""

from __future__ import annotations

import collections

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:

    class _NamedTupleType(type):
        """Builds a ``collections.namedtuple`` class from a class body, as typing does."""

        def __new__(cls, name, bases, namespace):
            if not bases:  # NamedTuple itself
                return super().__new__(cls, name, bases, namespace)
            if "__annotations__" not in namespace:
                raise TypeError(f"{name}: the fields of a NamedTuple must be annotated")
            annotations = dict(namespace["__annotations__"])
            fields = tuple(annotations)
            defaults = [namespace[field] for field in fields if field in namespace]
            made = collections.namedtuple(
                name, fields, defaults=defaults, module=namespace["__module__"]
            )
            made.__annotations__ = annotations
            for key, value in namespace.items():
                if key not in fields and key not in ("__module__", "__annotations__"):
                    setattr(made, key, value)
            return made

    class NamedTuple(metaclass=_NamedTupleType):
        """Subclass this as ``typing.NamedTuple``."""
