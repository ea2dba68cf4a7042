"""Copyable API examples for a dataset: curl, the ckanapi command line and Python."""

from __future__ import annotations

import shlex
from typing import Any


def api_snippets(site_url: str, pkg: dict[str, Any]) -> list[dict[str, str]]:
    """Each snippet runs as shown against this site and prints the dataset's metadata."""
    name = pkg["name"]
    show = f"{site_url}/api/3/action/package_show?id={name}"
    python = "\n".join(
        [
            "import requests",
            "",
            "response = requests.get(",
            f'    "{site_url}/api/3/action/package_show", params={{"id": "{name}"}}, timeout=30',
            ")",
            'dataset = response.json()["result"]',
            'print(dataset["title"])',
            'for resource in dataset["resources"]:',
            '    print(resource["format"], resource["url"])',
        ]
    )
    return [
        {"id": "curl", "label": "curl", "code": f"curl -s {shlex.quote(show)}"},
        {
            "id": "ckanapi",
            "label": "ckanapi",
            "code": f"ckanapi action package_show id={shlex.quote(name)} -r {shlex.quote(site_url)}",
        },
        {"id": "python", "label": "Python", "code": python},
    ]
