"""Real browser tests: Debian's Chromium driven by Playwright against a live server, with axe-core.

One server and one seeded catalogue per module keep this to well under a minute. Skips when Chromium is
absent, except in CI, where a missing browser is a failure.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.config import Settings
from tests.catalogue_fixtures import Factory, LiveServer
from tests.web.conftest import PASSWORD, seed

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="module")
def server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    shutil.copy(sqlite_template, folder / "portal.db")
    settings = Settings.from_env(
        database_url=f"sqlite:///{folder / 'portal.db'}", storage_path=folder / "files", site_url="http://x",
        secret_key="browser-test-secret", search_shared_cache=folder / "cache" / "search-answers.sqlite",
    )  # fmt: skip
    live = LiveServer(settings)
    seed(Factory(live.services))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM}; CI must run the browser tests")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server: LiveServer):  # noqa: ANN001, ANN201
    context = browser.new_context(base_url=server.url, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


def test_search_filter_open_dataset_and_page_preview(page) -> None:  # noqa: ANN001
    page.goto("/")
    page.get_by_label("Search data").fill("demand")
    page.get_by_role("button", name="Search").click()
    assert page.locator("#result-count").inner_text() == "1 dataset found"
    page.goto("/dataset")
    page.locator("summary", has_text="Release mode").click()
    page.get_by_label("Open data").check()
    page.get_by_role("button", name="Apply filters").click()
    assert page.locator("#result-count").inner_text() == "1 dataset found"
    expect(page.get_by_role("link", name="Council spending")).to_be_visible()
    page.get_by_role("link", name="Remove filter Release mode: Open data").click()
    assert page.locator("#result-count").inner_text() == "3 datasets found"
    page.get_by_role("link", name="Service demand by LSOA").click()
    assert page.locator("h1").inner_text() == "Service demand by LSOA"
    assert page.locator("#preview-caption").inner_text().startswith("Rows 1 to 25")
    page.get_by_role("navigation", name="Preview pages").get_by_role("link", name=re.compile("^Next")).click()
    assert page.locator("#preview-caption").inner_text().startswith("Rows 26 to 50")
    assert page.locator("#preview ~ div table tbody tr").first.inner_text().startswith("E01020025")
    assert page.console_errors == []


def test_download_a_resource_and_the_zip(page) -> None:  # noqa: ANN001
    page.goto("/dataset/demand-by-lsoa")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download demand-csv (CSV)").click()
    data = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename == "demand.csv" and data.startswith(b"lsoa_code,month,count")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the whole data package (zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert "data/demand.csv" in archive.namelist() and "datapackage.json" in archive.namelist()


def test_copy_an_api_snippet_and_run_it(page, server: LiveServer) -> None:  # noqa: ANN001
    page.goto("/dataset/demand-by-lsoa")
    page.get_by_role("button", name="Copy Python snippet").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()  # waits for the script to update it
    snippet = page.evaluate("navigator.clipboard.readText()")
    assert snippet.startswith("import requests")
    run = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "Service demand by LSOA" and "CSV " in run.stdout
    page.get_by_role("button", name="Copy curl snippet").click()
    curl = page.evaluate("navigator.clipboard.readText()")
    if shutil.which("curl"):
        out = subprocess.run(curl, shell=True, capture_output=True, text=True, timeout=60)  # noqa: S602
        assert json.loads(out.stdout)["result"]["name"] == "demand-by-lsoa"


def test_sign_in_and_create_a_token(page, server: LiveServer) -> None:  # noqa: ANN001
    page.goto("/")
    page.get_by_role("link", name="Partner sign in").click()
    page.get_by_label("User name").fill("partner-ed")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("h1").inner_text() == "API tokens"
    page.get_by_label("Token name").fill("browser test")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text().strip()
    import requests

    who = requests.get(f"{server.url}/api/3/action/user_show", headers={"Authorization": token}, timeout=30)
    assert who.json()["result"]["name"] == "partner-ed"
    page.goto("/dataset/partners-only-referrals")
    assert page.locator("h1").inner_text() == "Partners only referrals"
    assert page.console_errors == []


PAGE_TYPES = ["/", "/dataset", "/dataset?q=nothing-matches-this", "/dataset?agency=police&res_format=CSV",
              "/dataset/demand-by-lsoa", "/organization", "/organization/nypolice", "/group",
              "/group/crime-and-justice", "/schema", "/schema/service-demand-lsoa", "/api", "/accessibility",
              "/user/login", "/dataset/no-such-dataset"]  # fmt: skip


def axe_violations(page) -> list[str]:  # noqa: ANN001
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes) {v['nodes'][0]['html'][:200]}"
            for v in results.response["violations"]]  # fmt: skip


def test_every_page_type_has_no_wcag_22_aa_violations(page, server: LiveServer) -> None:  # noqa: ANN001
    found = {}
    for path in PAGE_TYPES:
        page.goto(path)
        if problems := axe_violations(page):
            found[path] = problems
    page.goto("/dataset/demand-by-lsoa")
    page.get_by_role("link", name="demand-csv").first.click()
    found.update({"resource page": p} for p in [axe_violations(page)] if p)
    page.goto("/user/login")
    page.get_by_role("button", name="Sign in").click()  # the error summary state
    found.update({"sign-in errors": p} for p in [axe_violations(page)] if p)
    page.get_by_label("User name").fill("partner-ed")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Token name").fill("axe")
    page.get_by_role("button", name="Create token").click()
    found.update({"tokens": p} for p in [axe_violations(page)] if p)
    assert found == {}, json.dumps(found, indent=1)
    page.set_content('<html><body><img src="x.png"><a href="/"></a></body></html>')
    assert len(axe_violations(page)) >= 2  # the checker does find planted failures


def test_pages_work_without_javascript(browser, server: LiveServer) -> None:  # noqa: ANN001
    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/dataset")
    page.locator("summary", has_text="Agency type").click()
    page.get_by_role("group", name="Agency type").get_by_label("Council").check()
    page.get_by_role("button", name="Apply filters").click()
    assert page.locator("#result-count").inner_text() == "1 dataset found"
    page.goto("/dataset/demand-by-lsoa")
    assert page.locator("[data-copy-snippet] button").count() == 0  # no dead copy buttons without script
    page.get_by_role("navigation", name="Preview pages").get_by_role("link", name=re.compile("^Next")).click()
    assert page.locator("#preview-caption").inner_text().startswith("Rows 26 to 50")
    page.goto("/user/login")
    page.get_by_label("User name").fill("partner-ed")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("h1").inner_text() == "API tokens"
    context.close()
