"""What an expression is, as far as Customer.io is concerned (see `resolver`).

The package: `resolver` (the per-file Resolver: clients, requests, the CDP module, literals,
argument binding), `values` (strings known without a literal, `**mapping` keys),
`containers` (clients kept in dicts and lists), `wrappers` (project functions whose
parameters reach SDK arguments, judged at their call sites), `summaries` (other modules).
Other project modules are read only through the project index; this package may import
`cio_lint.project`, never the reverse.
"""

from cio_lint.resolve.resolver import (
    CDP_CALL,
    CLASS,
    CONSTRUCT,
    FACTORY,
    INSTANCE,
    METHOD,
    MODULE,
    BoundArguments,
    CallTarget,
    Literal,
    Resolver,
    SdkCall,
    SdkValue,
    argument,
    bind_arguments,
    dotted_name,
    value_name,
)

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
