"""Pushing a built release to any CKAN-compatible catalogue through ckanapi, atomically and idempotently.

Idempotent: the catalogue keeps each file's sha256 (``content_sha256``) and the release's fingerprint; when
they match nothing is sent. Atomic: the whole new version (metadata and every changed file) travels in one
``package_revise`` call (CKAN 2.9+), which the catalogue applies in one transaction, so readers see the old
version or the new one. A new dataset is first created as a draft, which only its publishers can see; a run
killed before the revise leaves that draft, and the next run completes it.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import requests
from ckanapi import RemoteCKAN
from ckanapi.errors import CKANAPIError, NotAuthorized, NotFound, ValidationError

from publishers.framework.errors import SetupError
from publishers.framework.multipart import streamed
from publishers.framework.packaging import Built

USER_AGENT = "nyy-publish/0.1 (+https://github.com/)"
TIMEOUT = (10, 600)


@dataclass
class PushResult:
    action: str  # created, updated, unchanged
    url: str
    uploaded: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def resource_dicts(built: Built) -> list[dict[str, Any]]:
    out = []
    for f in built.files:
        item: dict[str, Any] = {
            "name": f.name,
            "description": f.description,
            "format": f.format,
            "content_sha256": f.sha256,
            "publisher_role": f.role,
        }
        if f.schema is not None:
            item["schema"] = json.dumps(f.schema, sort_keys=True)
        if f.role == "data":
            item["rows"] = str(built.rows_out)
        out.append(item)
    return out


def fingerprint(metadata: dict[str, Any], resources: list[dict[str, Any]]) -> str:
    """What the release is: its metadata and its files' hashes. Equal fingerprints mean nothing to do."""
    content = json.dumps({"metadata": metadata, "resources": resources}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


class Catalogue:
    """A CKAN-compatible catalogue at ``url``, reached with an API token."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url.rstrip("/")
        session = requests.Session()
        session.request = streamed(_with_timeout(session.request))  # type: ignore[method-assign]
        self.ckan = RemoteCKAN(self.url, apikey=token, user_agent=USER_AGENT, session=session)

    def call(self, action: str, data: dict[str, Any] | None = None, files: dict[str, Any] | None = None) -> Any:
        try:
            return self.ckan.call_action(action, data or {}, files=files)
        except NotAuthorized as exc:
            raise SetupError(
                f"the catalogue refused {action}: not authorised ({_message(exc)}); check the token"
            ) from None
        except ValidationError as exc:
            raise SetupError(f"the catalogue rejected {action}: {_message(exc)}") from None
        except (requests.RequestException, CKANAPIError) as exc:
            raise SetupError(
                f"catalogue {self.url} failed during {action}: {_message(exc)}. Nothing half-published: "
                "the catalogue shows the previous version; run again to complete."
            ) from None

    def show(self, name: str) -> dict[str, Any] | None:
        try:
            return self.ckan.call_action("package_show", {"id": name})
        except NotFound:
            return None
        except NotAuthorized:
            hint = "is its user an editor of the organization?"
            raise SetupError(f"the token may not read dataset {name!r}; {hint}") from None
        except (requests.RequestException, CKANAPIError) as exc:
            raise SetupError(f"catalogue {self.url} is unreachable: {_message(exc)}") from None


def _with_timeout(request):  # noqa: ANN001, ANN202
    def wrapped(method, url, **kwargs):  # noqa: ANN001, ANN202
        kwargs.setdefault("timeout", TIMEOUT)
        return request(method, url, **kwargs)

    return wrapped


def _message(exc: Exception) -> str:
    text = getattr(exc, "error_dict", None) or (exc.args[0] if exc.args else exc)
    return str(text)[:500]


def _same_file(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return existing.get("url_type") == "upload" and (
        existing.get("content_sha256") == wanted["content_sha256"]
        or existing.get("hash") in (wanted["content_sha256"], "sha256:" + wanted["content_sha256"])
    )


def _unchanged(existing: dict[str, Any] | None, print_: str, resources: list[dict[str, Any]]) -> bool:
    if not existing or existing.get("state") != "active":
        return False
    extras = {e["key"]: e["value"] for e in existing.get("extras", [])}
    by_name = {r.get("name"): r for r in existing.get("resources", [])}
    return extras.get("release_fingerprint") == print_ and all(
        r["name"] in by_name and _same_file(by_name[r["name"]], r) for r in resources
    )


def push(built: Built, metadata: dict[str, Any], catalogue: Catalogue) -> PushResult:
    """Make the catalogue's dataset ``metadata['name']`` equal to this release, uploading only what changed."""
    name = metadata["name"]
    page = f"{catalogue.url}/dataset/{name}"
    resources = resource_dicts(built)
    print_ = fingerprint(metadata, resources)
    existing = catalogue.show(name)
    if _unchanged(existing, print_, resources):
        return PushResult("unchanged", page, kept=[r["name"] for r in resources])
    created = existing is None
    if existing is None:
        stub = {k: metadata[k] for k in ("name", "title", "owner_org")}
        existing = catalogue.call("package_create", {**stub, "state": "draft", "notes": "Being published."})
    by_name = {r.get("name"): r for r in existing.get("resources", [])}
    listed, uploads = [], {}
    for index, (wanted, file) in enumerate(zip(resources, built.files, strict=True)):
        current = by_name.get(wanted["name"])
        if current is not None and _same_file(current, wanted):
            listed.append({**{k: current[k] for k in ("id", "url", "url_type")}, **wanted})
        else:  # a new file; an existing resource keeps its id (and so its links) and gets the new file
            listed.append({**({"id": current["id"]} if current is not None else {}), **wanted})
            uploads[f"update__resources__{index}__upload"] = file
    extras = [{"key": k, "value": v} for k, v in metadata["extras"].items()] + [
        {"key": "release_fingerprint", "value": print_}
    ]
    update = {**{k: v for k, v in metadata.items() if k != "extras"}, "extras": extras, "resources": listed}
    update["state"] = "active"
    data = {
        "match": json.dumps({"id": existing["id"]}),
        "filter": json.dumps(["-resources", "-tags", "-groups", "-extras"]),
        "update": json.dumps(update),
    }
    with ExitStack() as stack:
        files = {key: (f.name, stack.enter_context(f.path.open("rb"))) for key, f in uploads.items()}
        catalogue.call("package_revise", data, files=files or None)
    return PushResult(
        "created" if created else "updated",
        page,
        uploaded=[f.name for f in uploads.values()],
        kept=[r["name"] for r in listed if "url_type" in r],
    )
