"""A generated project shaped like a real Django codebase (bench/run.py, tests).

    python bench/realistic.py DEST [--modules 800]

The shape follows the project the speed issue measured: apps in packages (models, views,
signals, tasks, serializers, forms, admin, services, tests) and settings; one wrapper module
around the SDK (`shop/integrations/crm.py`: a client, a factory and helper functions) imported
by about 40 modules (5 %: signals, tasks, some models; their bytes never say `customerio`, so
only the wrapper's summary tells that they matter); a few modules that build clients themselves; and hundreds
of modules that import each other and never touch the SDK. Some SDK calls carry mistakes, so
every run has findings to compare. Deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import List

#: the modules of one app (the package's __init__ and tests/__init__ come on top)
APP_MODULES = ("models", "views", "serializers", "forms", "admin", "urls", "services", "signals",
               "tasks", "utils", "tests/test_models", "tests/test_views", "tests/test_tasks")  # fmt: skip
WORDS = ("account", "order", "invoice", "product", "shipment", "review", "ticket", "coupon",
         "payment", "profile", "address", "basket", "refund", "report", "badge", "survey")  # fmt: skip

PYPROJECT = """\
[project]
name = "shop"
version = "1.0.0"
dependencies = ["django>=4.2", "customerio>=3.2,<4", "celery>=5"]

[tool.cio-lint]
region = "eu"
"""

SETTINGS = '''\
"""Settings ({name})."""

import os

DEBUG = {debug}
SECRET_KEY = os.environ.get("SECRET_KEY", "dev")
CUSTOMERIO_SITE_ID = os.environ.get("CUSTOMERIO_SITE_ID", "")
CUSTOMERIO_API_KEY = os.environ.get("CUSTOMERIO_API_KEY", "")
INSTALLED_APPS = [
{apps}
]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "shop"}}}}
'''

WRAPPER = '''\
"""Customer.io for the shop: one client, built from settings, and helpers around it."""

import functools
import logging

from customerio import APIClient, CustomerIO, Regions, SendEmailRequest

from shop.settings import base as settings

logger = logging.getLogger(__name__)

cio = CustomerIO(settings.CUSTOMERIO_SITE_ID, settings.CUSTOMERIO_API_KEY, region=Regions.EU)


@functools.lru_cache(maxsize=None)
def get_api_client():
    return APIClient(settings.CUSTOMERIO_API_KEY, region=Regions.EU)


def identify_user(user, **attributes):
    cio.identify(id=user.pk, email=user.email, **attributes)


def track_event(user, name, **data):
    try:
        cio.track(customer_id=user.pk, name=name, **data)
    except Exception:
        logger.exception("customer.io track failed")


def send_receipt(user, message_id, data):
    request = SendEmailRequest(transactional_message_id=message_id, to=user.email,
                               identifiers={"id": user.pk}, message_data=data)
    return get_api_client().send_email(request)
'''

MODELS = '''\
"""Models of {app}."""

from decimal import Decimal

from django.db import models
from django.utils import timezone
{imports}

class {Word}(models.Model):
    name = models.CharField(max_length=200)
    created = models.DateTimeField(default=timezone.now)
    total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{{self.name}} ({{self.pk}})"

    def summary(self):
        parts = [self.name, str(self.total)]
        if not self.active:
            parts.append("inactive")
        return ", ".join(parts)


class {Word}Line(models.Model):
    parent = models.ForeignKey({Word}, on_delete=models.CASCADE, related_name="lines")
    quantity = models.PositiveIntegerField(default=1)
    price = models.DecimalField(max_digits=10, decimal_places=2)

    @property
    def amount(self):
        return self.quantity * self.price


def totals(items):
    by_parent = {{}}
    for line in items:
        by_parent.setdefault(line.parent_id, []).append(line.amount)
    return {{key: sum(values) for key, values in by_parent.items()}}
'''

VIEWS = '''\
"""Views of {app}."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from {pkg}.models import {Word}, totals
from {pkg}.serializers import {Word}Serializer
from {pkg}.services import {word}_service
{imports}

@require_http_methods(["GET"])
def {word}_list(request):
    objects = {Word}.objects.filter(active=True)[:50]
    return JsonResponse({{"results": [{Word}Serializer(o).data for o in objects]}})


@require_http_methods(["GET"])
def {word}_detail(request, pk):
    obj = get_object_or_404({Word}, pk=pk)
    data = {Word}Serializer(obj).data
    data["totals"] = totals(obj.lines.all())
    return JsonResponse(data)


@require_http_methods(["POST"])
def {word}_update(request, pk):
    obj = get_object_or_404({Word}, pk=pk)
    result = {word}_service.update(obj, request.POST)
    if not result.ok:
        return JsonResponse({{"errors": result.errors}}, status=400)
{extra}    return JsonResponse({Word}Serializer(obj).data)
'''

SERIALIZERS = '''\
"""Serializers of {app}."""

from {pkg}.models import {Word}, {Word}Line
{imports}

class {Word}LineSerializer:
    fields = ("quantity", "price", "amount")

    def __init__(self, instance):
        self.instance = instance

    @property
    def data(self):
        return {{name: getattr(self.instance, name) for name in self.fields}}


class {Word}Serializer:
    fields = ("id", "name", "total", "active")

    def __init__(self, instance: {Word}):
        self.instance = instance

    @property
    def data(self):
        out = {{name: getattr(self.instance, name, None) for name in self.fields}}
        out["lines"] = [{Word}LineSerializer(line).data for line in self.instance.lines.all()]
        return out
'''

FORMS = '''\
"""Forms of {app}."""

from django import forms

from {pkg}.models import {Word}


class {Word}Form(forms.ModelForm):
    class Meta:
        model = {Word}
        fields = ["name", "total", "active"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if len(name) < 3:
            raise forms.ValidationError("too short")
        return name
'''

ADMIN = '''\
"""Admin of {app}."""

from django.contrib import admin

from {pkg}.models import {Word}, {Word}Line


class {Word}LineInline(admin.TabularInline):
    model = {Word}Line
    extra = 0


@admin.register({Word})
class {Word}Admin(admin.ModelAdmin):
    list_display = ("name", "total", "active", "created")
    list_filter = ("active",)
    search_fields = ("name",)
    inlines = [{Word}LineInline]
'''

URLS = '''\
"""URLs of {app}."""

from django.urls import path

from {pkg} import views

urlpatterns = [
    path("", views.{word}_list, name="{word}-list"),
    path("<int:pk>/", views.{word}_detail, name="{word}-detail"),
    path("<int:pk>/update/", views.{word}_update, name="{word}-update"),
]
'''

SERVICES = '''\
"""Services of {app}."""

from dataclasses import dataclass, field
from typing import Dict, List

from {pkg}.forms import {Word}Form
from {pkg}.models import {Word}
{imports}

@dataclass
class Result:
    ok: bool
    errors: Dict[str, List[str]] = field(default_factory=dict)


class {Word}Service:
    def update(self, obj: {Word}, data) -> Result:
        form = {Word}Form(data, instance=obj)
        if not form.is_valid():
            return Result(False, dict(form.errors))
        form.save()
        return Result(True)

    def deactivate(self, obj: {Word}) -> Result:
        obj.active = False
        obj.save(update_fields=["active"])
        return Result(True)


{word}_service = {Word}Service()
{extra}'''

# Services that build their own client (a few in the project), with a mistake in some.
OWN_CLIENT = '''

import os

from customerio import CustomerIO, Regions

_cio = CustomerIO(os.environ["CIO_SITE_ID"], os.environ["CIO_API_KEY"], region=Regions.{region})


def report_{word}(user, obj):
    _cio.track(customer_id=user.pk, name="{event}", total=float(obj.total))
    _cio.identify(id={user_id}, last_{word}=obj.pk)
'''

SIGNALS = '''\
"""Signals of {app}."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from {pkg}.models import {Word}
{imports}

@receiver(post_save, sender={Word})
def {word}_saved(sender, instance, created, **kwargs):
    if not created:
        return
{body}'''

TASKS = '''\
"""Celery tasks of {app}."""

import time

from celery import shared_task

from {pkg}.models import {Word}
from {pkg}.services import {word}_service
{imports}

@shared_task
def expire_{word}s(days=30):
    cutoff = time.time() - days * 86400
    expired = 0
    for obj in {Word}.objects.filter(active=True):
        if obj.created.timestamp() < cutoff:
            {word}_service.deactivate(obj)
            expired += 1
{body}    return expired
'''

UTILS = '''\
"""Helpers of {app}."""

import re
from typing import Iterable, List

SLUG = re.compile(r"[^a-z0-9]+")
{imports}

def slugify(text: str) -> str:
    return SLUG.sub("-", text.lower()).strip("-")


def chunks(items: Iterable, size: int) -> List[list]:
    out, chunk = [], []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            out.append(chunk)
            chunk = []
    if chunk:
        out.append(chunk)
    return out
'''

TEST = '''\
"""Tests of {app} ({what})."""

from django.test import TestCase

from {pkg}.models import {Word}
{imports}

class {Word}{What}Tests(TestCase):
    def setUp(self):
        self.obj = {Word}.objects.create(name="first {word}")

    def test_str(self):
        self.assertIn("first", str(self.obj))

    def test_summary(self):
        self.assertEqual(self.obj.summary(), "first {word}, 0")
'''


@dataclass
class Realistic:
    root: Path
    modules: List[Path] = field(default_factory=list)
    wrapper: Path = Path()
    #: modules that import the wrapper (one-file latency is measured on the first)
    wrapper_users: List[Path] = field(default_factory=list)
    own_clients: List[Path] = field(default_factory=list)
    #: a module imported by many others that never touches the SDK (one-file-changed runs)
    plain: Path = Path()


def make_realistic_tree(root: Path, modules: int = 800) -> Realistic:
    """Write the project under `root` (created) with about `modules` Python modules."""
    out = Realistic(root)
    per_app = len(APP_MODULES) + 2
    apps = max(2, round((modules - 6) / per_app))
    users_wanted = max(2, round(modules * 0.05))  # ~40 of 800 import the wrapper
    own_wanted = max(1, apps // 10)

    def write(relative: str, text: str) -> Path:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        out.modules.append(path)
        return path

    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    write("shop/__init__.py", "")
    write("shop/settings/__init__.py", "")
    names = [f"app{k:02d}_{WORDS[k % len(WORDS)]}" for k in range(apps)]
    listed = "\n".join(f'    "shop.{n}",' for n in names)
    write("shop/settings/base.py", SETTINGS.format(name="base", debug="False", apps=listed))
    write("shop/settings/dev.py", SETTINGS.format(name="dev", debug="True", apps=listed))
    write("shop/integrations/__init__.py", "")
    out.wrapper = write("shop/integrations/crm.py", WRAPPER)

    users = 0
    for k, app in enumerate(names):
        word = WORDS[k % len(WORDS)]
        fmt = dict(app=app, pkg=f"shop.{app}", word=word, Word=word.capitalize(), imports="", extra="", body="")
        write(f"shop/{app}/__init__.py", "")
        write(f"shop/{app}/tests/__init__.py", "")
        # other apps' models and helpers: the web of imports that never touches the SDK
        neighbour = names[(k + 1) % len(names)]
        nword = WORDS[(k + 1) % len(WORDS)].capitalize()
        cross = f"from shop.{neighbour}.models import {nword}\nfrom shop.{neighbour}.utils import slugify\n"
        for module in APP_MODULES:
            rel = f"shop/{app}/{module}.py"
            text = None
            mistake = (k + len(module)) % 4
            if module in ("signals", "tasks") and users < users_wanted:
                users += 1
                if module == "signals":
                    body = ("    identify_user(instance.owner, plan=instance.name)\n"
                            f"    cio.track(customer_id=instance.owner.pk, name=\"{word}_created\")\n")
                    if mistake == 0:
                        body += f"    cio.track(customer_id=\"\", name=\"{word}_created\")\n"
                    imports = "\nfrom shop.integrations.crm import cio, identify_user\n"
                else:
                    body = (f"    get_api_client().send_email(None) if expired else None\n"
                            f"    track_event(None, \"{word}s_expired\", count=expired)\n")
                    if mistake == 1:
                        body += (f"    cio.track(customer_id=\"{word}-job\", name=\"{word.capitalize()}sExpired\", "
                                 "timestamp=int(time.time() * 1000))\n")
                    imports = "\nfrom shop.integrations.crm import cio, get_api_client, track_event\n"
                text = (SIGNALS if module == "signals" else TASKS).format(**dict(fmt, body=body, imports=imports))
            elif module == "signals":
                text = SIGNALS.format(**dict(fmt, body="    instance.summary()\n"))
            elif module == "tasks":
                text = TASKS.format(**fmt)
            elif module == "services" and k % 10 == 3 and len(out.own_clients) < own_wanted:
                extra = OWN_CLIENT.format(word=word, region="US" if k % 20 == 3 else "EU",
                                          event=f"{word.capitalize()}Reported" if mistake == 0 else f"{word}_reported",
                                          user_id='""' if mistake == 1 else "user.pk")  # fmt: skip
                text = SERVICES.format(**dict(fmt, extra=extra))
            elif module == "views":
                text = VIEWS.format(**dict(fmt, imports="\n" + cross if k % 2 else ""))
            elif module == "models" and k % 5 == 1 and users < users_wanted:
                users += 1
                text = MODELS.format(**dict(fmt, imports="\nfrom shop.integrations.crm import identify_user\n"))
                text += f"\n\ndef welcome(user):\n    identify_user(user, {word}s=0)\n"
            elif module == "models":
                text = MODELS.format(**dict(fmt, imports=""))
            elif module == "serializers":
                text = SERIALIZERS.format(**dict(fmt, imports="\n" + cross if k % 3 == 0 else ""))
            elif module == "services":
                text = SERVICES.format(**fmt)
            elif module == "utils":
                text = UTILS.format(**fmt)
            elif module.startswith("tests/"):
                what = module.split("_", 1)[1]
                tested = {"models": "totals", "views": f"{word}_list", "tasks": f"expire_{word}s"}[what]
                text = TEST.format(**dict(fmt, what=what, What=what.capitalize(),
                                          imports=f"from {fmt['pkg']}.{what} import {tested}\n"))
            else:
                text = {"forms": FORMS, "admin": ADMIN, "urls": URLS}[module].format(**fmt)
            path = write(rel, text)
            if "shop.integrations.crm" in text:
                out.wrapper_users.append(path)
            if "_cio = CustomerIO" in text:
                out.own_clients.append(path)
    out.plain = root / "shop" / names[0] / "utils.py"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--modules", type=int, default=800)
    args = parser.parse_args()
    tree = make_realistic_tree(args.dest, args.modules)
    print(f"{len(tree.modules)} modules, {len(tree.wrapper_users)} import the wrapper, "
          f"{len(tree.own_clients)} build their own client: {tree.root}")


if __name__ == "__main__":
    main()
