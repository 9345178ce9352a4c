"""What an expression is, as far as Customer.io is concerned (see `resolver`).

The package: `resolver` (the per-file Resolver: clients, requests, the CDP module, literals,
argument binding), `values` (strings known without a literal, `**mapping` keys),
`containers` (clients kept in dicts and lists), `wrappers` (project functions whose
parameters reach SDK arguments, judged at their call sites), `summaries` (other modules).
Other project modules are read only through the project index; this package may import
`cio_lint.project`, never the reverse.
"""

from cio_lint.resolve.sdk_values import CLASS, FACTORY, INSTANCE, MODULE, SdkValue

#: imported from `resolver` on first use (PEP 562): it needs LibCST, and a run answered from
#: the cache, or over files that never touch the SDK, should not pay for importing it
_FROM_RESOLVER = ("CDP_CALL", "CONSTRUCT", "METHOD", "BoundArguments", "CallTarget", "Literal",
                  "Resolver", "SdkCall", "argument", "bind_arguments", "dotted_name", "value_name")  # fmt: skip


def __getattr__(name: str):
    if name in _FROM_RESOLVER:
        from cio_lint.resolve import resolver

        return getattr(resolver, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BoundArguments",
    "CDP_CALL",
    "CLASS",
    "CONSTRUCT",
    "CallTarget",
    "FACTORY",
    "INSTANCE",
    "Literal",
    "METHOD",
    "MODULE",
    "Resolver",
    "SdkCall",
    "SdkValue",
    "argument",
    "bind_arguments",
    "dotted_name",
    "value_name",
]
