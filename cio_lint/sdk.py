"""The Customer.io Python SDKs as data.

Everything cio-lint knows about the `customerio` package lives here: its releases, its client
classes and their signatures per release, which parameters are identifiers or timestamps,
the hosts of each region, the exception it raises and the names it never had. Rules read
this module; none of them spells a method name, host or version of its own.

Every fact comes from `shared/sdk-facts.md` (release sources, observed at runtime); the
grounding tests in `tests/grounding/` re-observe the ones that rule messages rely on.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, Mapping, Optional, Tuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

# --------------------------------------------------------------------------------------------
# Releases

#: Every release of `customerio` on PyPI, oldest first. A range is judged by the releases it
#: admits, so "customerio>=2.4" admits 3.2.0 and "customerio<3" does not.
RELEASES: Tuple[str, ...] = (
    "0.1.1", "0.1.2", "0.1.3", "0.1.4", "0.1.5", "0.1.6", "0.1.7", "0.1.8", "0.1.9",
    "0.1.10", "0.1.11", "0.2", "0.2.1", "0.2.2", "0.2.3", "0.2.4", "0.3", "0.4", "0.5",
    "0.5.1", "0.5.2", "1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.6.1", "2.0", "2.1",
    "2.2", "2.3", "2.4", "3.0.0", "3.1.0", "3.2.0",
)  # fmt: skip

DISTRIBUTION = "customerio"
#: The import package the SDK installs (customerio-cdp-analytics installs into it too).
PACKAGE = "customerio"
#: The clients' keyword naming the workspace's region (1.1+; Regions.US / Regions.EU).
REGION_PARAM = "region"
CDP_DISTRIBUTION = "customerio-cdp-analytics"
#: Distributions that install the `customerio` import package (same module, other names).
SDK_DISTRIBUTIONS = ("customerio", "python-customerio")


@dataclass(frozen=True)
class SdkVersion:
    """The SDK releases a project may run: a PEP 440 range, kept as a range.

    `specifier == ""` means unknown, which rules treat as "the newest release".
    `source` says what decided it (a file and line, the config, the environment).
    """

    specifier: str = ""
    source: str = "unknown (treated as the newest release)"
    #: said once per run when the version was given but names no release cio-lint knows
    warning: str = field(default="", compare=False)

    @property
    def releases(self) -> Tuple[Version, ...]:
        return _admitted(self.specifier)

    @property
    def newest(self) -> Version:
        """The release a fresh install of the project gets."""
        return self.releases[-1]

    def admits(self, since: Optional[str] = None, until: Optional[str] = None) -> bool:
        """Does any admitted release fall in [since, until)?"""
        return any(in_window(v, since, until) for v in self.releases)

    def may_run(self, since: Optional[str] = None, until: Optional[str] = None) -> bool:
        """Can the project run a release in [since, until)? The question rules ask.

        A known range answers by the releases it admits; an unknown version only by the newest
        release, so a rule about old releases stays silent until a pin or range says they apply.
        """
        if not self.specifier:
            return in_window(self.newest, since, until)
        return self.admits(since, until)

    @property
    def constraint(self) -> str:
        """How a message names the project's range: "customerio==2.4", "the newest release"."""
        return f"{DISTRIBUTION}{self.specifier}" if self.specifier else "the newest release"

    def admits_only(self, since: Optional[str] = None, until: Optional[str] = None) -> bool:
        """Do all admitted releases fall in [since, until)?"""
        return all(in_window(v, since, until) for v in self.releases)

    def describe(self) -> str:
        if not self.specifier:
            return f"unknown, newest release {RELEASES[-1]} assumed"
        return f"customerio{self.specifier} (newest admitted release {self.newest})"


UNKNOWN_VERSION = SdkVersion()


def parse_version_spec(text: str) -> Optional[str]:
    """Normalise "3.2.0", "==3.2.0", ">=2.4,<4" to a specifier string, or None if invalid."""
    text = text.strip()
    if not text:
        return None
    if text[0].isdigit():
        text = "==" + text
    try:
        return str(SpecifierSet(text))
    except InvalidSpecifier:
        return None


def in_window(v: Version, since: Optional[str], until: Optional[str]) -> bool:
    """Is release `v` in [since, until)? (None: unbounded)"""
    return (since is None or v >= Version(since)) and (until is None or v < Version(until))


@lru_cache(maxsize=None)
def _admitted(specifier: str) -> Tuple[Version, ...]:
    every = tuple(Version(r) for r in RELEASES)
    if not specifier:
        return every
    try:
        spec = SpecifierSet(specifier)
    except InvalidSpecifier:
        return every
    admitted = tuple(v for v in every if spec.contains(v, prereleases=True))
    # A range that names no real release (customerio==5.4.0) tells us nothing: fall back to
    # "unknown" rather than judging code against a release that does not exist.
    return admitted or every


def parse_release(text: str) -> Optional[Version]:
    try:
        return Version(text)
    except InvalidVersion:
        return None


# --------------------------------------------------------------------------------------------
# Signatures


#: SDK facts are records written with keyword fields (`Shape(since="3.0.0", params=...)`), so
#: a reader can decode each one; Python 3.10+ enforces it (3.9, which cio-lint supports, has
#: no kw_only: there the keywords are a convention that tests/test_sdk_records.py checks).
_KEYWORDS_ONLY = {"kw_only": True} if sys.version_info >= (3, 10) else {}


@dataclass(frozen=True, **_KEYWORDS_ONLY)
class Shape:
    """One signature of a callable, valid for releases in [since, until). Written with
    keywords (`Shape(since="3.0.0", params=(...), attributes="data")`): seven positional
    values were more than a reader can decode."""

    since: str
    params: Tuple[str, ...]  # positional-or-keyword parameters after `self`, in order
    until: Optional[str] = None  # None: still in the newest release
    var_keyword: bool = False  # accepts **kwargs
    #: where the person/event attributes go: "**" (keyword arguments) or a parameter name
    attributes: Optional[str] = None
    timestamps: Tuple[str, ...] = ()  # parameters that carry an epoch timestamp
    identifiers: Tuple[str, ...] = ()  # parameters that must identify a person or device


@dataclass(frozen=True, **_KEYWORDS_ONLY)
class Method:
    name: str
    shapes: Tuple[Shape, ...]
    event_name: Optional[str] = None  # parameter holding an event name
    #: the CustomerIOException message a blank identifier raises (releases >= BLANK_CHECK_SINCE)
    blank_errors: Mapping[str, str] = field(default_factory=dict)

    def shape_for(self, version: Version) -> Optional[Shape]:
        for shape in self.shapes:
            if in_window(version, shape.since, shape.until):
                return shape
        return None

    @property
    def since(self) -> str:
        return self.shapes[0].since

    @property
    def until(self) -> Optional[str]:
        return self.shapes[-1].until


@dataclass(frozen=True, **_KEYWORDS_ONLY)
class SdkClass:
    """A class of the SDK that cio-lint follows: a client or a request object."""

    name: str
    role: str  # TRACK, APP, REQUEST
    qualnames: Tuple[str, ...]  # every public path it is importable from
    constructor: Tuple[Shape, ...]
    methods: Mapping[str, Method] = field(default_factory=dict)
    since: str = "0.1.1"
    #: credential parameters of the constructor, in order
    credentials: Tuple[str, ...] = ()
    #: the constructor parameter that overrides the region's host (host= / url=)
    host_param: Optional[str] = None

    def constructor_for(self, version: Version) -> Optional[Shape]:
        for shape in self.constructor:
            if in_window(version, shape.since, shape.until):
                return shape
        return None


TRACK = "track"
APP = "app"
REQUEST = "request"

#: From this release on, blank identifiers raise before anything is sent (0.x sent them).
BLANK_CHECK_SINCE = "1.0"

#: Datetimes become epoch seconds in the SDK. Every release reads a naive datetime as UTC. From
#: this release on an aware one is converted to UTC; before it, its zone was replaced by UTC
#: (the offset dropped): `int(dt.replace(tzinfo=timezone.utc).timestamp())`, 1.0-3.0.0.
AWARE_DATETIME_SINCE = "3.1.0"
#: What the SDK does with datetimes, in the words CIO202 uses (observed: naive 12:00 is sent
#: as 12:00 UTC in every release; aware +02:00 12:00 is sent as 12:00 UTC before 3.1.0).
#: Grounded: tests/grounding/test_datetimes.py
NAIVE_DATETIME_READ = "reads it as UTC"
AWARE_OFFSET_DROPPED = "drops the offset"
#: From this release on datetimes nested in dicts and lists are converted too; before it only the
#: top level of the payload (and of track's `data`) was, and a nested one fails JSON encoding.
NESTED_DATETIME_SINCE = "3.1.0"

_TRACK_INIT_TAIL = ("port", "url_prefix", "json_encoder", "retries", "timeout", "backoff_factor")


def _m(name: str, *shapes: Shape, event_name: Optional[str] = None, **blank: str) -> Method:
    return Method(name=name, shapes=shapes, event_name=event_name, blank_errors=blank)


def _blank(param: str, method: str) -> str:
    return f"{param} cannot be blank in {method}"


_TRACK_METHODS = {
    m.name: m
    for m in (
        _m("identify", Shape(since="0.1.1", params=("id",), var_keyword=True, attributes="**", identifiers=("id",)),
           id=_blank("id", "identify")),
        _m("track",
           Shape(since="0.1.1", params=("customer_id", "name"), until="3.0.0", var_keyword=True, attributes="**",
                 identifiers=("customer_id",)),
           Shape(since="3.0.0", params=("customer_id", "name", "data", "id", "timestamp"),
                 attributes="data", timestamps=("timestamp",), identifiers=("customer_id",)),
           event_name="name", customer_id=_blank("customer_id", "track")),
        _m("track_anonymous",
           Shape(since="1.2", params=("anonymous_id", "name"), until="1.5", var_keyword=True, attributes="**",
                 identifiers=("anonymous_id",)),
           # Since 1.5 a blank anonymous_id is omitted from the request, not an error.
           Shape(since="1.5", params=("anonymous_id", "name"), until="3.0.0", var_keyword=True, attributes="**"),
           Shape(since="3.0.0", params=("anonymous_id", "name", "data", "id", "timestamp"),
                 attributes="data", timestamps=("timestamp",)),
           event_name="name", anonymous_id=_blank("anonymous_id", "track")),
        _m("pageview", Shape(since="0.1.1", params=("customer_id", "page"), var_keyword=True, attributes="**",
                             identifiers=("customer_id",)),
           customer_id=_blank("customer_id", "pageview")),
        _m("backfill", Shape(since="0.1.1", params=("customer_id", "name", "timestamp"), var_keyword=True,
                             attributes="**", timestamps=("timestamp",), identifiers=("customer_id",)),
           event_name="name", customer_id=_blank("customer_id", "backfill")),
        _m("delete", Shape(since="0.1.1", params=("customer_id",), identifiers=("customer_id",)),
           customer_id=_blank("customer_id", "delete")),
        _m("add_device",
           Shape(since="0.3", params=("customer_id", "device_id", "platform"), var_keyword=True, attributes="**",
                 identifiers=("customer_id", "device_id")),
           customer_id=_blank("customer_id", "add_device"),
           device_id=_blank("device_id", "add_device")),
        _m("delete_device",
           Shape(since="0.3", params=("customer_id", "device_id"),
                 identifiers=("customer_id", "device_id")),
           customer_id=_blank("customer_id", "delete_device"),
           device_id=_blank("device_id", "delete_device")),
        _m("suppress", Shape(since="0.4", params=("customer_id",), identifiers=("customer_id",)),
           customer_id=_blank("customer_id", "suppress")),
        _m("unsuppress", Shape(since="0.4", params=("customer_id",), identifiers=("customer_id",)),
           customer_id=_blank("customer_id", "unsuppress")),
        _m("merge_customers",
           Shape(since="1.3", params=("primary_id_type", "primary_id", "secondary_id_type", "secondary_id"),
                 identifiers=("primary_id", "secondary_id")),
           primary_id="primary customer_id cannot be blank",
           secondary_id="secondary customer_id cannot be blank"),
        _m("add_to_segment", Shape(since="0.5", params=("segment_id", "customer_ids"), until="1.0")),
        _m("remove_from_segment", Shape(since="0.5", params=("segment_id", "customer_ids"), until="1.0")),
        _m("batch", Shape(since="3.0.0", params=("operations",))),
        _m("close", Shape(since="3.0.0", params=())),
    )
}  # fmt: skip

#: The release from which track() / track_anonymous() take the event's attributes as `data=`
#: (before it, as keyword arguments), read from their signatures above.
TRACK_DATA_SINCE = next(s.since for s in _TRACK_METHODS["track"].shapes if s.attributes == "data")

_APP_METHODS = {
    m.name: m
    for m in (
        _m("send_email", Shape(since="1.0", params=("request",))),
        _m("send_push", Shape(since="2.1", params=("request",))),
        _m("send_sms", Shape(since="2.2", params=("request",))),
        _m("send_inbox_message", Shape(since="2.3", params=("request",))),
        _m("send_in_app", Shape(since="2.4", params=("request",))),
        _m("send_whatsapp", Shape(since="3.2.0", params=("request",))),
    )
}

_APP_INIT_TAIL = ("retries", "timeout", "backoff_factor")

CLASSES: Tuple[SdkClass, ...] = (
    SdkClass(
        name="CustomerIO",
        role=TRACK,
        qualnames=("customerio.CustomerIO", "customerio.track.CustomerIO"),
        constructor=(
            Shape(since="0.1.1", params=("site_id", "api_key", "host") + _TRACK_INIT_TAIL, until="1.1"),
            Shape(since="1.1", params=("site_id", "api_key", "host", "region") + _TRACK_INIT_TAIL, until="1.6"),
            Shape(since="1.6", params=("site_id", "api_key", "host", "region") + _TRACK_INIT_TAIL
                  + ("use_connection_pooling",)),
        ),
        methods=_TRACK_METHODS,
        credentials=("site_id", "api_key"),
        host_param="host",
    ),
    SdkClass(
        name="APIClient",
        role=APP,
        qualnames=("customerio.APIClient", "customerio.api.APIClient"),
        constructor=(
            Shape(since="1.0", params=("key", "url") + _APP_INIT_TAIL, until="1.1"),
            Shape(since="1.1", params=("key", "url", "region") + _APP_INIT_TAIL, until="1.6"),
            Shape(since="1.6", params=("key", "url", "region") + _APP_INIT_TAIL
                  + ("use_connection_pooling",)),
        ),
        methods=_APP_METHODS,
        since="1.0",
        credentials=("key",),
        host_param="url",
    ),
)  # fmt: skip

# Request objects of the App API. Every field defaults to None and nothing is validated
# client-side, so a blank identifier goes to the API as it is.

#: Request fields that exist only in some releases: name -> (since, until, what to use instead)
REQUEST_FIELD_WINDOWS: Mapping[str, Tuple[Optional[str], Optional[str], str]] = {
    "plaintext_body": ("1.0", "2.0", "body_plain"),
    "amp_body": ("1.0", "2.0", "body_amp"),
    "body_plain": ("2.0", None, "plaintext_body"),
    "body_amp": ("2.0", None, "amp_body"),
    "disable_css_preproceessing": ("1.6.1", "3.0.0", "disable_css_preprocessing"),
    "disable_css_preprocessing": ("3.0.0", None, "disable_css_preproceessing"),
    "send_at": ("1.6.1", None, ""),
    "language": ("1.6.1", None, ""),
    "cc": ("3.2.0", None, ""),
}


def _request(name: str, *, since: str, fields: Tuple[str, ...]) -> SdkClass:
    """A request class whose `__init__` takes `fields` (every field any release had, in the
    SDK's positional order; a renamed field's two names sit side by side). Its constructor
    shapes are the releases between REQUEST_FIELD_WINDOWS' boundaries, each listing exactly
    that release's parameters in order, so a positional argument binds where the SDK binds it
    (`SendEmailRequest(3, "a@b.c", {"id": ""})`: to, then identifiers)."""
    bounds = {since} | {b for f in fields for b in REQUEST_FIELD_WINDOWS.get(f, ())[:2]
                        if b is not None and Version(b) > Version(since)}  # fmt: skip
    starts = sorted(bounds, key=Version)
    shapes = []
    for start, until in zip(starts, starts[1:] + [None]):
        params = tuple(f for f in fields if f not in REQUEST_FIELD_WINDOWS
                       or in_window(Version(start), *REQUEST_FIELD_WINDOWS[f][:2]))  # fmt: skip
        stamps = tuple(f for f in ("send_at",) if f in params)
        if shapes and shapes[-1].params == params:  # nothing of this class changed here
            shapes[-1] = Shape(since=shapes[-1].since, params=params, until=until, timestamps=stamps)
        else:
            shapes.append(Shape(since=start, params=params, until=until, timestamps=stamps))
    return SdkClass(
        name=name,
        role=REQUEST,
        qualnames=(f"customerio.{name}", f"customerio.api.{name}"),
        constructor=tuple(shapes),
        since=since,
    )


#: The six request classes; `fields` are in the order of their `__init__` parameters, read from
#: the releases' api.py (1.0, 1.6, 1.6.1, 2.0-2.4, 3.0.0, 3.1.0, 3.2.0; tests/grounding/
#: test_request_signatures.py compares them with the installed releases' signatures).
REQUEST_CLASSES: Tuple[SdkClass, ...] = (
    _request("SendEmailRequest", since="1.0", fields=(
        "transactional_message_id", "to", "identifiers", "_from", "headers", "reply_to", "cc", "bcc",
        "subject", "preheader", "body", "plaintext_body", "body_plain", "amp_body", "body_amp", "fake_bcc",
        "disable_message_retention", "send_to_unsubscribed", "tracked", "queue_draft", "message_data",
        "attachments", "disable_css_preproceessing", "disable_css_preprocessing", "send_at", "language")),
    _request("SendPushRequest", since="2.1", fields=(
        "transactional_message_id", "to", "identifiers", "title", "message", "disable_message_retention",
        "send_to_unsubscribed", "queue_draft", "message_data", "send_at", "language", "image_url", "link",
        "custom_data", "custom_payload", "device", "sound")),
    _request("SendSMSRequest", since="2.2", fields=(
        "transactional_message_id", "to", "identifiers", "disable_message_retention", "send_to_unsubscribed",
        "queue_draft", "message_data", "send_at", "language")),
    _request("SendInboxMessageRequest", since="2.3", fields=(
        "transactional_message_id", "identifiers", "disable_message_retention", "queue_draft", "message_data",
        "send_at", "language")),
    _request("SendInAppRequest", since="2.4", fields=(
        "transactional_message_id", "identifiers", "disable_message_retention", "queue_draft", "message_data",
        "send_at", "language")),
    _request("SendWhatsAppRequest", since="3.2.0", fields=(
        "transactional_message_id", "to", "identifiers", "tracked", "disable_message_retention",
        "send_to_unsubscribed", "queue_draft", "message_data", "send_at", "language")),
)  # fmt: skip

#: The identifier keys a request's `identifiers={...}` accepts (customerio.constants, 1.3+).
REQUEST_IDENTIFIER_KEYS = ("id", "email", "cio_id")

_BY_QUALNAME: Dict[str, SdkClass] = {q: c for c in CLASSES + REQUEST_CLASSES for q in c.qualnames}


def sdk_class(qualname: str) -> Optional[SdkClass]:
    """The SDK class importable under `qualname` (e.g. "customerio.track.CustomerIO")."""
    return _BY_QUALNAME.get(qualname)


def client_class(role: str) -> SdkClass:
    return next(c for c in CLASSES if c.role == role)


# --------------------------------------------------------------------------------------------
# Regions and hosts


@dataclass(frozen=True, **_KEYWORDS_ONLY)
class Region:
    name: str  # "us" / "eu", as in [tool.cio-lint] region
    attr: str  # "US" / "EU", as in customerio.Regions.US
    track_host: str
    api_host: str
    cdp_host: str


REGIONS: Mapping[str, Region] = {
    "us": Region(name="us", attr="US", track_host="track.customer.io", api_host="api.customer.io",
                 cdp_host="https://cdp.customer.io"),
    "eu": Region(name="eu", attr="EU", track_host="track-eu.customer.io", api_host="api-eu.customer.io",
                 cdp_host="https://cdp-eu.customer.io"),
}  # fmt: skip
DEFAULT_REGION = "us"
REGIONS_SINCE = "1.1"  # customerio.Regions and the `region=` parameter
#: What CustomerIO / APIClient (1.1+) raise, as CustomerIOException, for a region= that is not
#: a `Region` (a str, None, a dict, a plain tuple): `isinstance(region, Region)` at construction.
REGION_ERROR = "invalid region provided"
REGIONS_QUALNAMES = ("customerio.Regions", "customerio.regions.Regions")


def region_of_qualname(qualname: str) -> Optional[Region]:
    """`customerio.Regions.EU` -> the EU region."""
    for prefix in REGIONS_QUALNAMES:
        for region in REGIONS.values():
            if qualname == f"{prefix}.{region.attr}":
                return region
    return None


def region_of_host(host: str) -> Optional[Region]:
    """The region whose Track, App API or CDP host `host` names (scheme and path ignored)."""
    bare = host.strip().lower()
    for sep in ("://",):
        if sep in bare:
            bare = bare.split(sep, 1)[1]
    bare = bare.split("/", 1)[0].split(":", 1)[0]
    for region in REGIONS.values():
        cdp_bare = region.cdp_host.split("://", 1)[1]
        if bare in (region.track_host, region.api_host, cdp_bare):
            return region
    return None


# --------------------------------------------------------------------------------------------
# Exceptions, modules, names the SDK never had

EXCEPTION_QUALNAMES = ("customerio.CustomerIOException", "customerio.client_base.CustomerIOException")

#: WRAPPED_EXCEPTIONS (the exceptions the SDK catches and re-raises as CustomerIOException)
#: is built from the exception families at the end of this module.

#: Modules of the `customerio` package and the releases that have them.
MODULES: Mapping[str, Tuple[str, Optional[str]]] = {
    "customerio": ("0.1.1", None),
    "customerio.track": ("1.0", None),
    "customerio.api": ("1.0", None),
    "customerio.client_base": ("1.0", None),
    "customerio.regions": ("1.1", None),
    "customerio.constants": ("1.3", None),
    "customerio.__version__": ("1.4", "3.2.0"),
    # Shipped by customerio-cdp-analytics, not by this SDK.
    "customerio.analytics": ("0.1.1", None),
}

#: Names people borrow from Customer.io's other SDKs; none exists in the Python package.
FOREIGN_NAMES: Mapping[str, str] = {
    "TrackClient": "CustomerIO",
    "RegionUS": "Regions.US",
    "RegionEU": "Regions.EU",
    "IdentifierType": 'the strings "id", "email", "cio_id"',
    "CustomerIORequestError": "CustomerIOException",
}

#: Modules of `customerio` people import that no release has, with what to use instead: the
#: only ones CIO602 reports without proof that the file's `customerio` is the SDK.
MISTAKEN_MODULES: Mapping[str, str] = {
    "customerio.errors": "catch customerio.CustomerIOException",  # sdk-facts §1: in no release
}

# --------------------------------------------------------------------------------------------
# customerio-cdp-analytics (`from customerio import analytics`)

CDP_MODULE = "customerio.analytics"
#: Module-level settings that analytics reads when it builds its default client.
CDP_SETTINGS = ("write_key", "host", "on_error", "debug", "send", "sync_mode",
                "max_queue_size", "gzip", "timeout", "max_retries")  # fmt: skip
#: Every other public name of customerio.analytics 1.1.0 (`analytics/__init__.py`): its
#: functions, the client it builds lazily, its submodules. Assigning one of these replaces
#: something real (tests mock `track`, apps swap `default_client`); anything else is never read.
CDP_MODULE_NAMES = ("track", "identify", "group", "alias", "page", "screen", "flush", "join",
                    "shutdown", "default_client", "Client", "VERSION", "client", "consumer",
                    "request", "utils", "version")  # fmt: skip
#: The module setting that holds the write key (a credential).
CDP_CREDENTIAL_SETTINGS = ("write_key",)
#: The setting that overrides the host chosen from the write key.
CDP_HOST_SETTING = "host"
#: With `host` unset, a write key starting with one of these goes to that region's CDP host;
#: any other key goes to the default region's (`request.py:17-20,35-37`).
CDP_KEY_PREFIXES: Mapping[str, str] = {"pk_us_": "us", "sk_us_": "us", "pk_eu_": "eu", "sk_eu_": "eu"}
#: analytics.track(user_id, event, properties, ...): the positional order of the proxy.
CDP_TRACK_PARAMS = ("user_id", "event", "properties", "context", "timestamp", "anonymous_id",
                    "integrations", "message_id")  # fmt: skip
CDP_EVENT_METHODS = {"track": "event"}

#: Names importable from the top-level `customerio` package, with the releases that have them.
PUBLIC_NAMES: Mapping[str, Tuple[str, Optional[str]]] = {
    "CustomerIO": ("0.1.1", None),
    "CustomerIOException": ("0.1.1", None),
    "APIClient": ("1.0", None),
    "SendEmailRequest": ("1.0", None),
    "Regions": (REGIONS_SINCE, None),
    **{c.name: (c.since, None) for c in REQUEST_CLASSES},
    **{m.split(".", 1)[1]: window for m, window in MODULES.items() if "." in m},
}

#: Method names of Customer.io's Node SDK, which do not exist on the Python clients.
FOREIGN_METHODS: Mapping[str, str] = {
    "trackAnonymous": "track_anonymous",
    "trackPageView": "pageview",
    "mergeCustomers": "merge_customers",
    "addDevice": "add_device",
    "deleteDevice": "delete_device",
    "destroy": "delete",
    "sendEmail": "send_email",
    "sendPush": "send_push",
    "sendSMS": "send_sms",
    "triggerBroadcast": "(no Python equivalent: use the App API directly)",
}


# --------------------------------------------------------------------------------------------
# Exception families: what a transport failure raises under the SDK's request, and what the SDK
# lets escape. Every release wraps anything raised inside its HTTP call in CustomerIOException
# (0.2 -> 3.2.0, `3.2.0 client_base.py:108-114`), so a handler for a transport error around SDK
# calls never runs; a handler for a *base* of an error that escapes unwrapped can run.
# Hierarchies as in requests 2.x / urllib3 1.26-2.x / CPython 3.8+ (read by importing them).


@dataclass(frozen=True, **_KEYWORDS_ONLY)
class ExceptionClass:
    """An exception class, its direct bases and every other name it is importable by."""

    name: str  # qualified name (builtins without a module)
    bases: Tuple[str, ...] = ()  # direct bases that matter here (qualified names)
    aliases: Tuple[str, ...] = ()


def _exc(name: str, *bases: str, aliases: Tuple[str, ...] = ()) -> ExceptionClass:
    """`_exc("ssl.SSLEOFError", "ssl.SSLError")`: a class, then its direct bases."""
    return ExceptionClass(name=name, bases=bases, aliases=aliases)


_RQ = "requests.exceptions."
_U3 = "urllib3.exceptions."


def _requests(name: str, *bases: str) -> ExceptionClass:
    # `requests.X` re-exports some; `requests.packages.urllib3` is urllib3 itself
    top = ("requests." + name,) if name in _REQUESTS_TOP else ()
    return _exc(_RQ + name, *bases, aliases=top)


def _urllib3(name: str, *bases: str) -> ExceptionClass:
    return _exc(_U3 + name, *bases, aliases=("requests.packages.urllib3.exceptions." + name,))


#: The exception classes `requests/__init__.py` re-exports at the top level.
_REQUESTS_TOP = ("ConnectTimeout", "ConnectionError", "HTTPError", "JSONDecodeError", "ReadTimeout",
                 "RequestException", "Timeout", "TooManyRedirects", "URLRequired")  # fmt: skip

EXCEPTION_FAMILIES: Mapping[str, Tuple[ExceptionClass, ...]] = {
    # OSError and its socket/ssl/connection subclasses (socket.error, IOError, EnvironmentError
    # are OSError; socket.timeout is TimeoutError from Python 3.10)
    "OSError": (
        _exc("OSError", "Exception", aliases=("IOError", "EnvironmentError", "socket.error", "select.error")),
        _exc("ConnectionError", "OSError"),
        _exc("ConnectionRefusedError", "ConnectionError"),
        _exc("ConnectionResetError", "ConnectionError"),
        _exc("ConnectionAbortedError", "ConnectionError"),
        _exc("BrokenPipeError", "ConnectionError"),
        _exc("TimeoutError", "OSError", aliases=("socket.timeout",)),
        _exc("socket.gaierror", "OSError"),
        _exc("socket.herror", "OSError"),
        _exc("ssl.SSLError", "OSError"),
        _exc("ssl.SSLCertVerificationError", "ssl.SSLError", "ValueError",
             aliases=("ssl.CertificateError",)),
        _exc("ssl.SSLEOFError", "ssl.SSLError"),
        _exc("ssl.SSLZeroReturnError", "ssl.SSLError"),
        _exc("http.client.HTTPException", "Exception"),
        _exc("http.client.RemoteDisconnected", "ConnectionResetError", "http.client.HTTPException"),
    ),
    # requests: RequestException is an OSError (IOError)
    "requests": (
        _requests("RequestException", "OSError"),
        _requests("ConnectionError", _RQ + "RequestException"),
        _requests("ProxyError", _RQ + "ConnectionError"),
        _requests("SSLError", _RQ + "ConnectionError"),
        _requests("Timeout", _RQ + "RequestException"),
        _requests("ConnectTimeout", _RQ + "ConnectionError", _RQ + "Timeout"),
        _requests("ReadTimeout", _RQ + "Timeout"),
        _requests("HTTPError", _RQ + "RequestException"),
        _requests("RetryError", _RQ + "RequestException"),
        _requests("TooManyRedirects", _RQ + "RequestException"),
        _requests("ChunkedEncodingError", _RQ + "RequestException"),
        _requests("ContentDecodingError", _RQ + "RequestException", _U3 + "HTTPError"),
        _requests("URLRequired", _RQ + "RequestException"),
        _requests("MissingSchema", _RQ + "RequestException", "ValueError"),
        _requests("InvalidSchema", _RQ + "RequestException", "ValueError"),
        _requests("InvalidURL", _RQ + "RequestException", "ValueError"),
        _requests("InvalidHeader", _RQ + "RequestException", "ValueError"),
        _requests("InvalidJSONError", _RQ + "RequestException"),
        _requests("JSONDecodeError", _RQ + "InvalidJSONError", "json.JSONDecodeError"),
    ),
    # urllib3: requests turns these into its own errors, and the SDK wraps those
    "urllib3": (
        _urllib3("HTTPError", "Exception"),
        _urllib3("PoolError", _U3 + "HTTPError"),
        _urllib3("RequestError", _U3 + "PoolError"),
        _urllib3("MaxRetryError", _U3 + "RequestError"),
        _urllib3("TimeoutError", _U3 + "HTTPError"),
        _urllib3("ConnectTimeoutError", _U3 + "TimeoutError"),
        _urllib3("ReadTimeoutError", _U3 + "TimeoutError", _U3 + "RequestError"),
        _urllib3("NewConnectionError", _U3 + "ConnectTimeoutError", _U3 + "HTTPError"),
        _urllib3("NameResolutionError", _U3 + "NewConnectionError"),
        _urllib3("ProtocolError", _U3 + "HTTPError"),
        _urllib3("ProxyError", _U3 + "HTTPError"),
        _urllib3("SSLError", _U3 + "HTTPError"),
        _urllib3("ResponseError", _U3 + "HTTPError"),
        _urllib3("DecodeError", _U3 + "HTTPError"),
    ),
}

#: Classes outside the families that the families derive from (for ancestor walks).
_EXCEPTION_ROOTS = (
    _exc("BaseException"),
    _exc("Exception", "BaseException"),
    _exc("ValueError", "Exception"),
    _exc("json.JSONDecodeError", "ValueError", aliases=("json.decoder.JSONDecodeError",)),
)

_EXCEPTIONS_BY_NAME: Dict[str, ExceptionClass] = {
    name: cls
    for cls in (*_EXCEPTION_ROOTS, *(c for family in EXCEPTION_FAMILIES.values() for c in family))
    for name in (cls.name, *cls.aliases)
}

#: Every name of a transport error the SDK wraps (the family members, by any of their names).
WRAPPED_EXCEPTIONS: Tuple[str, ...] = tuple(
    name for family in EXCEPTION_FAMILIES.values() for c in family for name in (c.name, *c.aliases)
)


def exception_class(name: str) -> Optional[ExceptionClass]:
    """The exception class known by `name` (qualified, or a builtin's bare name)."""
    return _EXCEPTIONS_BY_NAME.get(name)


def exception_family(name: str) -> Optional[str]:
    cls = exception_class(name)
    if cls is None:
        return None
    return next((f for f, members in EXCEPTION_FAMILIES.items() if cls in members), None)


def exception_ancestors(name: str) -> Tuple[str, ...]:
    """`name`'s class and all its known bases, as canonical names (empty when unknown)."""
    cls = exception_class(name)
    if cls is None:
        return ()
    seen, todo = [], [cls.name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        known = exception_class(current)
        todo.extend(known.bases if known is not None else ())
    return tuple(seen)


#: Errors that escape unwrapped: the App client's send_* methods parse the response body after
#: the wrapped request, so a 2xx answer that is not JSON raises from there (2.x: `json.loads`,
#: `2.4 api.py:23`; 3.x: `resp.json()`, `3.2.0 api.py:104-134`, requests' JSONDecodeError
#: from requests 2.27, json's before). A handler for one of their bases can run.
UNWRAPPED_ERRORS: Mapping[str, Tuple[str, ...]] = {
    APP: ("requests.exceptions.JSONDecodeError", "json.JSONDecodeError"),
}


def catches_unwrapped(handler: str, role: str) -> bool:
    """Can `except <handler>` catch an error that a call on a `role` client lets escape?"""
    canonical = exception_class(handler)
    if canonical is None:
        return False
    return any(canonical.name in exception_ancestors(e) for e in UNWRAPPED_ERRORS.get(role, ()))
# --------------------------------------------------------------------------------------------
# OBSERVED effects: what the real releases do, in the words rule messages use (issue 15)
#
# A message's runtime claim (an exception and its text, a host, a payload shape, a unit) is
# read from one record here, and the grounding test that runs the real release asserts the
# same record against what it saw, and that the rule's message carries the record's words.
# So a record that drifts from the SDK fails the run, and a message that drifts from its
# record fails the lint side. Server-side effects (what Customer.io does with a request) are
# not observable offline: those records quote Customer.io's documentation and say where.


@dataclass(frozen=True, **_KEYWORDS_ONLY)
class Raises:
    """An exception a real release raised: its class (qualified, as observed) and its text."""

    exception: str
    #: str(exception), or its stable beginning when `prefix` (transport errors go on with the
    #: URL and the requests exception); may hold {placeholders} that `format` fills
    text: str
    prefix: bool = False

    @property
    def name(self) -> str:
        """The class name a message uses: "CustomerIOException", "TypeError"."""
        return self.exception.rsplit(".", 1)[-1]

    def format(self, **values: str) -> "Raises":
        return Raises(exception=self.exception, text=self.text.format(**values), prefix=self.prefix)

    def says(self) -> str:
        """How a message states it: `CustomerIOException("id cannot be blank in identify")`."""
        return f'{self.name}("{self.text}…")' if self.prefix else f'{self.name}("{self.text}")'

    def matches(self, exception: Optional[str], text: str) -> bool:
        """Is (exception, text), as a grounding run saw it, this record?"""
        same_text = text.startswith(self.text) if self.prefix else text == self.text
        return exception == self.exception and same_text


#: The SDK's only exception class, where 1.0-3.2.0 define it (0.x: `customerio.CustomerIOException`).
CUSTOMERIO_EXCEPTION = "customerio.client_base.CustomerIOException"


def blank_id_raises(text: str) -> Raises:
    """A blank identifier, 1.0+ (the text per method and parameter: `Method.blank_errors`).
    Grounded: tests/grounding/test_identity.py::test_blank_identifier_raises_before_any_request"""
    return Raises(exception=CUSTOMERIO_EXCEPTION, text=text)


#: A whitespace-only id passes the blank check (every release) and is sent, URL-encoded:
#: `identify(id="   ")` -> `PUT /api/v1/customers/%20%20%20`.
#: Grounded: tests/grounding/test_identity.py::test_whitespace_identifier_is_sent
WHITESPACE_ID_SENT = "sends it as it is"
#: Request objects (SendEmailRequest...) validate nothing: `identifiers={"id": ""}` is sent.
#: Grounded: test_identity.py::test_request_object_blank_identifier_is_sent_unchanged
SENT_UNCHECKED = "sent unchecked"

#: `region=` that is not a `Region`, at construction (1.1+).
#: Grounded: tests/grounding/test_region.py::test_region_not_a_region_object_raises_at_construction
REGION_RAISES = Raises(exception=CUSTOMERIO_EXCEPTION, text=REGION_ERROR)

#: Any exception inside a request (refused connection, timeout, bad URL, JSON encoding) is
#: wrapped; 0.x-1.4 spell it "reponse", 1.5+ "response" (the test runs 2.4 and 3.2.0).
#: Grounded: tests/grounding/test_sdk_api.py::test_except_connection_error_never_fires
TRANSPORT_RAISES = Raises(exception=CUSTOMERIO_EXCEPTION, text="Failed to receive valid response after",
                          prefix=True)
#: What a handler for a requests/urllib3/builtin transport error misses: the SDK raises
#: TRANSPORT_RAISES instead, in every release (3.x chains the original as `__cause__`).
TRANSPORT_EFFECT = f"wrapped in {TRANSPORT_RAISES.name}"

#: Credentials as the clients send them (observed): APIClient puts its key in
#: `Authorization: Bearer <key>`; CustomerIO sends Basic auth site_id:api_key, and a missing
#: one as the text "None". A URL without a scheme (APIClient's 2nd positional) fails inside
#: the request, wrapped as TRANSPORT_RAISES whose text names "Invalid URL".
#: Grounded: tests/grounding/test_credentials.py
APP_AUTH_SCHEME = "Bearer"
TRACK_AUTH_SCHEME = "Basic"
MISSING_CREDENTIAL_SENT_AS = "None"
BAD_URL_TEXT = "Invalid URL"

#: Python's own binding errors, as CPython 3.11 words them for the SDK's methods.
#: Grounded: test_sdk_api.py (track keywords on 3.x, positional data on 2.x, request fields)
UNEXPECTED_KEYWORD = Raises(exception="builtins.TypeError",
                            text="{callable}() got an unexpected keyword argument '{keyword}'")
TOO_MANY_POSITIONAL = Raises(exception="builtins.TypeError",
                             text="{callable}() takes {expected} positional arguments but {given} were given")
NO_ATTRIBUTE = Raises(exception="builtins.AttributeError", text="'{cls}' object has no attribute '{name}'")
NO_MODULE = Raises(exception="builtins.ModuleNotFoundError", text="No module named '{module}'")
CANNOT_IMPORT = Raises(exception="builtins.ImportError", text="cannot import name '{name}' from 'customerio'",
                       prefix=True)

#: The unit of an epoch timestamp as the SDK itself produces it: a datetime passed as a
#: timestamp or attribute is sent as `int(dt.timestamp())`, whole seconds (observed: backfill
#: with datetime(2024, 1, 1, tzinfo=utc) sends 1704067200). Integers are sent unchanged.
#: Grounded: tests/grounding/test_time.py::test_the_sdk_itself_sends_epoch_seconds
EPOCH_UNIT = "seconds"
EPOCH_UNIT_SECONDS = {"seconds": 1, "milliseconds": 1_000, "microseconds": 1_000_000,
                      "nanoseconds": 1_000_000_000}  # fmt: skip
SECONDS_PER_YEAR = 31_556_952  # the mean Gregorian year


def epoch_year(value: int) -> int:
    """The calendar year an integer lands in when read as an epoch in EPOCH_UNIT (past year
    9999, where datetime stops, counted in mean Gregorian years)."""
    import datetime

    seconds = value // EPOCH_UNIT_SECONDS[EPOCH_UNIT]
    try:
        return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).year
    except (OverflowError, OSError, ValueError):
        return 1970 + seconds // SECONDS_PER_YEAR


#: track()/track_anonymous() parameters of 3.x that 2.x sent as event attributes: on 2.x
#: `track(uid, "ev", id=7)` sends `{"data": {"id": 7}}`, on 3.x `{"data": {}, "id": 7}` (the
#: event's own id, which the Track API uses to de-duplicate events, per sdk-facts) and
#: `timestamp=` becomes the event's time instead of an attribute.
#: Grounded: tests/grounding/test_sdk_api.py::test_track_id_and_timestamp_change_meaning_in_3x
TRACK_EVENT_FIELDS = {"id": "the event's own id", "timestamp": "the event's time"}
TRACK_EVENT_FIELDS_SINCE = "3.0.0"
#: Before 3.0, `data=` and `timestamp=` on track() are just more keyword attributes, nested in
#: the body's data object: `{"data": {"data": {...}}}` (format with word=).
#: Grounded: tests/grounding/test_sdk_api.py::test_track_data_keyword_is_silently_nested_on_2x
ATTRIBUTE_BEFORE_THREE = "is sent as the attribute data.{word}"
#: Where 2.x puts keyword attributes and 3.x puts `data=`: the body's "data" object.
EVENT_DATA_KEY = "data"


@dataclass(frozen=True, **_KEYWORDS_ONLY)
class Documented:
    """What Customer.io's documentation says happens server-side (not observable offline)."""

    says: str  # the words a message uses
    source: str  # where it is said


_TRACK_API_DOCS = "https://docs.customer.io/api/track/ (Overview, server addresses; the SDK's README says the same)"
#: A Track client of an EU workspace that sends to the US host: "we'll redirect it accordingly
#: but this traffic still passes through US servers and data could be logged in the US".
TRACK_EU_DATA_VIA_US = Documented(says="EU data passes through US servers", source=_TRACK_API_DOCS)
#: A Track client of a US workspace that sends to the EU host: "your requests will fail".
TRACK_US_DATA_VIA_EU = Documented(says="Customer.io documents these requests fail", source=_TRACK_API_DOCS)
#: App API and Data Pipelines (CDP): the docs only say to use the region's host; a 401 from
#: the wrong region is reported by users, not documented, so messages claim no effect.
OTHER_APIS_REGION = Documented(says="",
                               source="https://docs.customer.io/api/app/ and https://docs.customer.io/api/cdp/")
# --------------------------------------------------------------------------------------------
# What calls send (the inventory, CIO503/CIO504 and the tracking-plan rules)

#: Track client methods that send a named event (their `event_name` parameter names it).
#: `pageview` is left out: its second argument is a page URL, not an event name.
EVENT_METHODS = ("track", "track_anonymous", "backfill")
#: Track client methods whose extra keywords are person attributes.
PERSON_METHODS = ("identify",)
#: customerio.analytics 1.1.0 `Client` signatures after `self` (`client.py:97,118,184,213`);
#: the module-level functions proxy `*args, **kwargs` to them, so positions follow these.
CDP_PARAMS: Mapping[str, Tuple[str, ...]] = {
    "track": CDP_TRACK_PARAMS,
    "identify": ("user_id", "traits", "context", "timestamp", "anonymous_id", "integrations", "message_id"),
    "page": ("user_id", "category", "name", "properties", "context", "timestamp", "anonymous_id",
             "integrations", "message_id"),
    "screen": ("user_id", "category", "name", "properties", "context", "timestamp", "anonymous_id",
               "integrations", "message_id"),
}  # fmt: skip
#: CDP function -> (what it sends, the parameter naming it, the parameter holding its fields)
CDP_SENDS: Mapping[str, Tuple[str, Optional[str], str]] = {
    "track": ("event", "event", "properties"),
    "page": ("page", "name", "properties"),
    "screen": ("screen", "name", "properties"),
    "identify": ("person", None, "traits"),
}
#: How a `datetime` value reaches the API: the Track SDK turns it into epoch seconds
#: (`client_base.py` `_datetime_to_timestamp`, 3.2.0), the CDP library into an ISO 8601
#: string (`request.py` `DatetimeSerializer`, `obj.isoformat()`, 1.1.0).
DATETIME_WIRE_TYPES: Mapping[str, str] = {"track": "timestamp", "cdp": "date-string"}
#: Calls that return epoch seconds.
EPOCH_CALLS = frozenset({"time.time"})
#: Calls that return a datetime (qualified names).
DATETIME_CALLS = frozenset({
    "datetime.datetime", "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
    "datetime.datetime.fromtimestamp", "datetime.datetime.utcfromtimestamp", "datetime.datetime.fromisoformat",
    "datetime.datetime.strptime", "datetime.datetime.combine", "django.utils.timezone.now",
})  # fmt: skip


# --------------------------------------------------------------------------------------------
# Issue 18 ("seeds"): transactional requests, error handling, call shapes, hosts, values,
# devices, async-customerio. Each mistake's runtime effect is an `Observed` record: the rule's
# message is worded from it and its grounding test (named in `test`) asserts the same record
# against the real releases in `releases`.


@dataclass(frozen=True, **_KEYWORDS_ONLY)
class Observed:
    """What a mistake does at runtime, as its grounding test sees it."""

    #: the exception that escapes, qualified ("builtins.TypeError"); None: nothing is raised
    raises: Optional[str]
    #: text the exception message contains, or the part of the request that shows the effect
    says: str
    sends: bool  # does a request reach the server
    releases: Tuple[str, ...]  # the releases the grounding test runs
    test: str  # tests/grounding/<file>::<test>

    @property
    def error(self) -> str:
        """The exception's class name as a message spells it ("TypeError")."""
        return (self.raises or "").rsplit(".", 1)[-1]


_EXC = "customerio.client_base.CustomerIOException"

# -- CIO605 exception-attribute ---------------------------------------------------------------

#: Attributes people read on an API error (`err.status === 429`, `e.response.status_code`):
#: `CustomerIOException(Exception)` is an empty subclass, so none of them exists (every release).
EXCEPTION_MISSING_ATTRIBUTES = ("message", "status_code", "status", "response", "code", "headers",
                                "body", "status_text", "reason")  # fmt: skip
EXCEPTION_ATTRIBUTE = Observed(
    raises="builtins.AttributeError",
    says="'CustomerIOException' object has no attribute",
    sends=True,
    releases=("3.2.0", "2.4"),
    test="tests/grounding/test_seeds_errors.py::test_exception_attribute_raises_in_the_handler",
)

# -- CIO7xx transactional request objects -----------------------------------------------------

#: The request class each `APIClient.send_*` converts (`request._to_dict()`); anything else but
#: a plain dict fails inside the SDK.
SEND_METHOD_REQUEST: Mapping[str, str] = {
    "send_email": "SendEmailRequest",
    "send_push": "SendPushRequest",
    "send_sms": "SendSMSRequest",
    "send_inbox_message": "SendInboxMessageRequest",
    "send_in_app": "SendInAppRequest",
    "send_whatsapp": "SendWhatsAppRequest",
}
#: Request fields that hold a dict (or list) by design, so a positional dict there is right.
REQUEST_DICT_FIELDS = ("identifiers", "headers", "message_data", "custom_data", "custom_payload",
                       "device", "attachments")  # fmt: skip
#: A dict passed positionally binds to the first parameter, transactional_message_id, and the
#: whole dict is sent as that one field (3.2.0, 2.4).
REQUEST_POSITIONAL_DICT = Observed(
    raises=None,
    says="transactional_message_id",
    sends=True,
    releases=("3.2.0", "2.4"),
    test="tests/grounding/test_seeds_requests.py::test_positional_dict_becomes_the_message_id",
)
#: Fields a request needs. The SDK validates nothing and drops None fields, so a missing one is
#: simply absent from the JSON (observed). Customer.io's "Transactional API Examples" page lists
#: what sending needs: the recipient email in `to` and `identifiers.id`/`email`/`cio_id`; the
#: App API reference targets in-app and push messages "by identifiers". "Set up a transactional
#: SMS or WhatsApp message" says those cannot be sent without a template: they "must use a
#: transactional_message_id". (`to` of SMS/WhatsApp: not stated, so not required here.)
REQUEST_DOCS = "docs.customer.io: Transactional API Examples; Set up a transactional SMS or WhatsApp message"
REQUEST_REQUIRED_FIELDS: Mapping[str, Tuple[str, ...]] = {
    "SendEmailRequest": ("identifiers", "to"),
    "SendPushRequest": ("identifiers",),
    "SendSMSRequest": ("identifiers", "transactional_message_id"),
    "SendWhatsAppRequest": ("identifiers", "transactional_message_id"),
    "SendInboxMessageRequest": ("identifiers",),
    "SendInAppRequest": ("identifiers",),
}
#: An email without a transactional_message_id must carry its own content, all of these.
EMAIL_CONTENT_FIELDS = ("body", "subject", "_from")
REQUEST_MISSING_FIELD = Observed(
    raises=None,
    says="without it",
    sends=True,
    releases=("3.2.0", "2.4"),
    test="tests/grounding/test_seeds_requests.py::test_missing_field_is_absent_from_the_request",
)
#: Values that are a placeholder, not a person: they reach the API as the text itself.
IDENTIFIER_PLACEHOLDERS = ("none", "null", "undefined", "nil", "nan")
IDENTIFIERS_KEY = Observed(
    raises=None,
    says="sends it as written",
    sends=True,
    releases=("3.2.0", "2.4"),
    test="tests/grounding/test_seeds_requests.py::test_identifiers_are_sent_as_written",
)
REQUEST_CLASS_MISMATCH = Observed(
    raises=_EXC,
    says="object has no attribute",
    sends=False,
    releases=("3.2.0", "2.4"),
    test="tests/grounding/test_seeds_requests.py::test_send_with_the_wrong_request_class",
)

# -- CIO606 call-shape ------------------------------------------------------------------------

#: How many leading parameters of each client method (and constructor) have no default, in
#: every release that has it (3.x track's data/id/timestamp are optional; `2.4 track.py`,
#: `3.2.0 track.py`, `3.2.0 api.py:78`). A call that binds none to one of them is a TypeError.
REQUIRED_PARAMETERS: Mapping[str, int] = {
    "identify": 1, "track": 2, "track_anonymous": 2, "pageview": 2, "backfill": 3, "delete": 1,
    "add_device": 3, "delete_device": 2, "suppress": 1, "unsuppress": 1, "merge_customers": 4,
    "add_to_segment": 2, "remove_from_segment": 2, "batch": 1, "close": 0,
    **{method: 1 for method in SEND_METHOD_REQUEST},
    "APIClient": 1, "CustomerIO": 0,
}  # fmt: skip
#: Python's binding errors for these calls, as CPython 3.10+ words them (the SDK's own
#: methods, so the callable is "CustomerIO.identify"). With NO_ATTRIBUTE (a method of the
#: other client). Grounded: tests/grounding/test_seeds_calls.py::test_call_shape_fails_before_sending
MISSING_ARGUMENT = Raises(exception="builtins.TypeError",
                          text="{callable}() missing 1 required positional argument: '{param}'")
MULTIPLE_VALUES = Raises(exception="builtins.TypeError", text="{callable}() got multiple values for argument '{param}'")
#: `identify(customer_id=...)`: the keyword is an attribute (identify takes **kwargs) and `id`
#: is missing; the parameter is `id` in every release.
IDENTIFY_ID_ALIASES = ("customer_id",)
#: Methods both clients inherit from ClientBase (3.0.0+), so never "the other client's".
CLIENT_BASE_METHODS = ("close", "send_request", "http")

# -- CIO406 host-with-path --------------------------------------------------------------------

#: The Track client builds `https://{host}[:{port}]/{url_prefix}` after stripping a scheme and
#: slashes from `host` (`3.2.0 track.py` setup_base_url, same in 2.4); APIClient posts to
#: `{url}/v1/send/<kind>` (`3.2.0 api.py`). A host or url that already ends in those paths gets
#: them twice. (A different path is left alone: it may be a proxy's prefix.)
TRACK_URL_PREFIX = "/api/v1"
APP_URL_PATH = "/v1/send/"
#: Path endings that repeat what the SDK appends, per constructor parameter.
HOST_PATH_ENDINGS: Mapping[str, Tuple[str, ...]] = {"host": ("api/v1", "api", "v1"), "url": ("v1", "api")}
#: `says`: the path requests go to, from the path written and what the SDK appends.
HOST_PATH = Observed(
    raises=None,
    says="/{path}{appended}/",
    sends=True,
    releases=("3.2.0", "2.4"),
    test="tests/grounding/test_seeds_hosts.py::test_host_with_path_doubles_the_path",
)
#: `host="h:8443"` with `port=`: the URL gets both (`h:8443:9000`), requests' InvalidURL is
#: wrapped like any transport error (TRANSPORT_RAISES) and nothing is sent.
HOST_PORT_TWICE = Observed(
    raises=CUSTOMERIO_EXCEPTION,
    says="InvalidURL",
    sends=False,
    releases=("3.2.0", "2.4"),
    test="tests/grounding/test_seeds_hosts.py::test_port_in_host_and_port_parameter",
)

# -- CIO203 unserializable-value --------------------------------------------------------------

#: Constructors whose values `json.dumps` refuses, by qualified name -> the type it names. The
#: SDK converts only datetimes (and NaN) before encoding, so one of these anywhere in the payload
#: fails in every release: "Object of type date is not JSON serializable", wrapped like a
#: transport error (TRANSPORT_RAISES), nothing sent.
UNSERIALIZABLE_CALLS: Mapping[str, str] = {
    "datetime.date": "date", "datetime.date.today": "date", "datetime.date.fromisoformat": "date",
    "datetime.date.fromtimestamp": "date", "datetime.date.fromordinal": "date",
    "datetime.time": "time", "datetime.timedelta": "timedelta",
    "decimal.Decimal": "Decimal",
    "uuid.UUID": "UUID", "uuid.uuid1": "UUID", "uuid.uuid3": "UUID", "uuid.uuid4": "UUID",
    "uuid.uuid5": "UUID",
    "set": "set", "frozenset": "frozenset", "bytes": "bytes", "bytearray": "bytearray",
}  # fmt: skip
#: Datetimes (DATETIME_CALLS above) are converted at the top level of the payload in every
#: release, nested ones (in a dict or list, in `message_data`, in add_device's keywords) only
#: from NESTED_DATETIME_SINCE; before it they fail the same way.
#: Methods whose keyword arguments the SDK nests in the payload (`add_device` sends them at
#: `device.<key>`), so a datetime there is a nested one.
NESTED_KEYWORD_METHODS = ("add_device",)
#: Request fields whose values are sent nested (the request's own top level is sanitised).
REQUEST_DATA_FIELDS = ("message_data", "custom_data", "custom_payload")
UNSERIALIZABLE = Observed(
    raises=CUSTOMERIO_EXCEPTION,
    says="is not JSON serializable",
    sends=False,
    releases=("3.2.0", "2.4"),
    test="tests/grounding/test_seeds_values.py::test_unserializable_value_is_never_sent",
)

# -- CIO104 device-platform -------------------------------------------------------------------

#: The platforms the Track API's device object accepts (its enum), and the device fields
#: besides id/platform; `add_device` sends any platform string as given and puts every other
#: keyword at `device.<key>`, beside `attributes` rather than in it (observed).
DEVICE_PLATFORMS = ("ios", "android")
DEVICE_FIELDS = ("last_used", "attributes")
DEVICE_DOCS = "docs.customer.io: Track API, Add or update a customer device"
DEVICE_SENT = Observed(
    raises=None,
    says="as given",
    sends=True,
    releases=("3.2.0", "2.4"),
    test="tests/grounding/test_seeds_values.py::test_add_device_sends_platform_and_keywords_as_given",
)

# -- CIO405 async-region-ignored (async-customerio, a third-party async port) ----------------

ASYNC_DISTRIBUTION = "async-customerio"
ASYNC_RELEASE_OBSERVED = "2.18.0"
ASYNC_TRACK_QUALNAMES = ("async_customerio.AsyncCustomerIO", "async_customerio.track.AsyncCustomerIO",
                         "async_customerio.track.v1.AsyncCustomerIO")  # fmt: skip
ASYNC_REGIONS_QUALNAMES = ("async_customerio.Regions", "async_customerio.regions.Regions")
#: AsyncCustomerIO(site_id, api_key, host=None, region=Regions.US, port=None, ...) (`track/v1.py`)
ASYNC_TRACK_PARAMS = ("site_id", "api_key", "host", "region", "port")
#: `self.host = host or DEFAULT_API_HOST` (= Regions.US.track_host): `region` is only
#: type-checked, so an EU client without host= sends to the US Track host (its AsyncAPIClient
#: does use the region). `says`: the host the requests went to.
ASYNC_REGION_IGNORED = Observed(
    raises=None,
    says=REGIONS["us"].track_host,
    sends=True,
    releases=(ASYNC_RELEASE_OBSERVED,),
    test="tests/grounding/test_seeds_async.py::test_async_track_client_ignores_the_region",
)

# -- CIO304 credential-may-be-none ------------------------------------------------------------

#: Neither client checks its credentials: Track sets `session.auth = (site_id, api_key)` and
#: APIClient an `Authorization: Bearer {key}` header, so None goes out as the text "None".
CREDENTIAL_NONE_AUTH: Mapping[str, str] = {TRACK: "Basic None:None", APP: "Bearer None"}
CREDENTIAL_NONE = Observed(
    raises=None,
    says="Authorization: {auth}",
    sends=True,
    releases=("3.2.0", "2.4"),
    test="tests/grounding/test_seeds_credentials.py::test_none_credentials_are_sent",
)

# -- CIO607 retries-not-applied ---------------------------------------------------------------

#: Before 3.0.0 the clients mount `Retry(total=retries, backoff_factor=...)` with urllib3's
#: default methods (no POST) and no status_forcelist (`2.4 client_base.py` _build_session): POST
#: calls (track, track_anonymous, pageview, backfill, merge_customers, suppress, unsuppress and
#: every APIClient send_*) and every status code (barring a Retry-After on PUT/DELETE) fail after
#: one attempt, while the message still says "after N retries". 3.0.0 retries 500/502/503/504
#: for every method (`3.2.0 client_base.py:150-156`).
RETRY_EVERY_METHOD_SINCE = "3.0.0"
#: `says`: the start of the message with the configured count; a 503 answered once.
RETRIES_NOT_APPLIED = Observed(
    raises=CUSTOMERIO_EXCEPTION,
    says="after {retries} retries",
    sends=True,
    releases=("2.4",),
    test="tests/grounding/test_seeds_retries.py::test_retries_are_not_applied_before_3",
)

# -- CIO101/CIO201/CIO601 on customerio.analytics (customerio-cdp-analytics 1.1.0) ------------

#: `Client._enqueue` asserts before anything is queued (`client.py:323-327`), so these raise
#: AssertionError at the call, in sync mode and in the default threaded mode alike.
#: Grounded: tests/grounding/test_seeds_cdp.py
CDP_NO_IDENTITY = Raises(exception="builtins.AssertionError",
                         text="user_id or anonymous_id must have (<class 'numbers.Number'>, <class 'str'>), got: None")
CDP_TIMESTAMP_NOT_DATETIME = Raises(exception="builtins.AssertionError",
                                    text="timestamp must have <class 'datetime.datetime'>, got: {value}")
#: The CDP functions with a user_id/anonymous_id pair (positions in CDP_PARAMS).
CDP_IDENTITY_FUNCTIONS = ("track", "identify", "page", "screen")
#: `analytics.track(*args, **kwargs)` proxies to `Client.track`, which has no **kwargs.
CDP_TRACK_CALLABLE = "Client.track"
CDP_PROPERTIES_PARAM = "properties"


#: Where each top-level name of the SDK is importable without the package's `__init__.py`
#: (which customerio-cdp-analytics replaces with an empty file: CIO604's advice); names not
#: listed live in SUBMODULE_OF_OTHERS.
SUBMODULE_OF: Mapping[str, str] = {
    **{c.name: q.rsplit(".", 1)[0] for c in CLASSES + REQUEST_CLASSES for q in c.qualnames if q.count(".") == 2},
    "CustomerIOException": "customerio.client_base",
    "Regions": "customerio.regions",
}
SUBMODULE_OF_OTHERS = "customerio.track"


def in_package(module: str) -> bool:
    """Is the dotted name `module` the `customerio` package or something inside it? (Whether
    the project shadows the package with its own is the project index's to say.)"""
    return module == PACKAGE or module.startswith(PACKAGE + ".")
