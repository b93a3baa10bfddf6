"""Download connectors against a local HTTP server on 127.0.0.1, every failure case included.

The server runs in a thread of the test process on an ephemeral loopback port and serves
answers built from the data mirror (the World Bank API in its paged JSON layout, the WIOD
2013 RData files) or generated here; nothing is sent to any other address. Every test's
requests are bounded (a few tries at most) and the server stops with its fixture.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pytest

from dagster_project import connectors
from dagster_project.cli import data_sync
from dagster_project.connectors import files, world_bank
from dagster_project.connectors.http import DownloadError, HttpClient, HttpPolicy, Unreachable
from dagster_project.releases import wiod2016
from dagster_project.storage import raw_files
from dagster_project.storage.raw_files import UnsafePath, atomic_file, safe_path
from tests.helpers.warehouse import SHARED_DATA
from tests.helpers.wiod_sample import sample_wiod2016, write_wiod2016_rdata

MIRROR_WDI = SHARED_DATA / "wdi" / "wdi_selected_long.csv"
MIRROR_IDI = SHARED_DATA / "itu_idi" / "itu_idi_2017.csv"
MIRROR_RDATA = SHARED_DATA / "wiod2013" / "rdata"
needs_mirror = pytest.mark.skipif(not MIRROR_WDI.exists(), reason=f"no data mirror at {SHARED_DATA}")

Handler = Callable[[BaseHTTPRequestHandler, dict, int], None]
# The clients' connect and read timeouts: far above a local answer's time even on a loaded machine
# (a 2 s timeout once expired on a page of 300 rows while the suite's pipelines took both cores),
# and short for the tests that make the server slower than it on purpose.
TIMEOUT_S = 30.0
SHORT_TIMEOUT_S = 2.0


class LocalServer:
    """A threaded HTTP server on 127.0.0.1: routes by path (exact, or prefix ending in /)."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                parts = urlsplit(self.path)
                server.hits[parts.path] += 1
                route = server.routes.get(parts.path) or next(
                    (h for p, h in server.routes.items() if p.endswith("/") and parts.path.startswith(p)), None
                )
                if route is None:
                    send(self, 404, b"not found", "text/plain")
                else:
                    route(self, dict(parse_qsl(parts.query)), server.hits[parts.path])

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "LocalServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def send(handler, status: int, body: bytes, content_type: str, *, length: int | None = None, headers=()) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    try:
        handler.wfile.write(body)
        handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout cases)
        pass


def serve(body: bytes, content_type: str) -> Handler:
    return lambda h, q, n: send(h, 200, body, content_type)


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(waits) -> HttpClient:
    return HttpClient(HttpPolicy(timeout_s=TIMEOUT_S, retries=2, backoff_s=0.1), sleep=waits.append)


@pytest.fixture
def impatient_client(waits) -> HttpClient:
    """For the timeout tests, whose server answers later than SHORT_TIMEOUT_S on purpose."""
    return HttpClient(HttpPolicy(timeout_s=SHORT_TIMEOUT_S, retries=2, backoff_s=0.1), sleep=waits.append)


def local_settings(url: str, **changes) -> connectors.ConnectorSettings:
    """Every source pointed at the local server."""
    values = dict(
        world_bank_api_url=url, wdi_indicators=("GB.XPD.RSDV.GD.ZS",), wdi_date_range="", wdi_per_page=300,
        wiod2013_base_url=f"{url}/wiod", itu_idi_url=f"{url}/idi.csv", wiod2016_archive_url="",
        oecd_icio_archive_urls=(), policy=HttpPolicy(timeout_s=TIMEOUT_S, retries=1, backoff_s=0.0),
    )
    return connectors.ConnectorSettings(**{**values, **changes})


def closed_port_url() -> str:
    """A loopback URL nothing listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def idi_csv(rows: int = 120) -> bytes:
    lines = ["idi_rank_2017,iso3,itu_country_name,idi_2017"]
    lines += [f"{k},{chr(65 + k // 676 % 26)}{chr(65 + k // 26 % 26)}{chr(65 + k % 26)},Economy {k},{9 - k / 20:.2f}"
              for k in range(1, rows + 1)]
    return ("\n".join(lines) + "\n").encode()


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".partial")] if folder.exists() else []


# --- World Bank API -----------------------------------------------------------------------


def world_bank_routes(server: LocalServer, long: pd.DataFrame, aggregates=("WLD", "EAS", "HIC")) -> None:
    """The API's country list and paged indicator answers, built from long rows, plus
    aggregates and empty values that the connector must drop."""
    economies = sorted(long["country_code"].unique())
    countries = [{"id": c, "iso2Code": c[:2], "name": c, "region": {"id": "XXX", "value": "Somewhere"}} for c in economies]
    countries += [{"id": a, "iso2Code": a[:2], "name": a, "region": {"id": "NA", "value": "Aggregates"}} for a in aggregates]

    def paged(rows: list[dict], query: dict) -> bytes:
        per_page, page = int(query.get("per_page", 50)), int(query.get("page", 1))
        pages = max(1, -(-len(rows) // per_page))
        header = {"page": page, "pages": pages, "per_page": per_page, "total": len(rows), "sourceid": "2"}
        return json.dumps([header, rows[(page - 1) * per_page: page * per_page] or None]).encode()

    def indicator(handler, query, _):
        code = urlsplit(handler.path).path.rsplit("/", 1)[-1]
        subset = long[long["indicator_code"] == code]
        rows = [
            {"indicator": {"id": code, "value": code}, "country": {"id": r.country_code[:2], "value": r.country_code},
             "countryiso3code": r.country_code, "date": str(r.year), "value": r.value, "unit": "", "obs_status": "",
             "decimal": 1}
            for r in subset.itertuples()
        ]
        rows += [{"indicator": {"id": code}, "countryiso3code": a, "date": "2018", "value": 1.0} for a in aggregates]
        rows += [{"indicator": {"id": code}, "countryiso3code": economies[0], "date": "1990", "value": None}]
        send(handler, 200, paged(rows, query), "application/json;charset=utf-8")

    server.routes["/v2/country"] = lambda h, q, _: send(h, 200, paged(countries, q), "application/json;charset=utf-8")
    server.routes["/v2/country/all/indicator/"] = indicator


@needs_mirror
def test_world_bank_api_pages_become_the_mirror_long_layout(server, client, tmp_path):
    mirror = pd.read_csv(MIRROR_WDI)
    codes = ("GB.XPD.RSDV.GD.ZS", "TX.VAL.TECH.MF.ZS")
    expected = mirror[mirror["indicator_code"].isin(codes)]
    world_bank_routes(server, expected)
    path, rows = world_bank.download_wdi(client, tmp_path, base_url=server.url, indicators=codes, per_page=300)
    assert path == tmp_path / "wdi" / "wdi_selected_long.csv"
    written = pd.read_csv(path)
    assert list(written.columns) == ["country_code", "indicator_code", "year", "value"]
    key = ["country_code", "indicator_code", "year"]
    pd.testing.assert_frame_equal(
        written.sort_values(key).reset_index(drop=True), expected.sort_values(key).reset_index(drop=True)
    )
    assert rows == len(expected)
    # Paged: 1861 R&D rows + 3 aggregates + 1 empty at 300 a page is 7 pages.
    assert server.hits["/v2/country/all/indicator/GB.XPD.RSDV.GD.ZS"] == 7
    assert "WLD" not in set(written["country_code"])


def test_world_bank_api_error_message_is_reported_and_nothing_written(server, client, tmp_path):
    world_bank_routes(server, pd.DataFrame({"country_code": ["KOR"], "indicator_code": ["X"], "year": [2018], "value": [1.0]}))
    error = [{"message": [{"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"}]}]
    server.routes["/v2/country/all/indicator/"] = serve(json.dumps(error).encode(), "application/json")
    with pytest.raises(DownloadError, match="Invalid value: The provided parameter value is not valid"):
        world_bank.download_wdi(client, tmp_path, base_url=server.url, indicators=("NOT.A.CODE",))
    assert not (tmp_path / "wdi").exists() or not any((tmp_path / "wdi").iterdir())


def test_world_bank_api_pages_that_lose_rows_are_refused(server, client, tmp_path):
    long = pd.DataFrame({"country_code": ["KOR", "USA"], "indicator_code": ["X", "X"], "year": [2018, 2018], "value": [1.0, 2.0]})
    world_bank_routes(server, long)
    header = {"page": 1, "pages": 1, "per_page": 50, "total": 5}
    server.routes["/v2/country/all/indicator/"] = serve(
        json.dumps([header, [{"countryiso3code": "KOR", "date": "2018", "value": 1.0}]]).encode(), "application/json"
    )
    with pytest.raises(DownloadError, match="1 rows over 1 page.*announced 5"):
        world_bank.download_wdi(client, tmp_path, base_url=server.url, indicators=("X",))


# --- failure cases of every download ------------------------------------------------------


def test_http_500_is_retried_at_once_then_succeeds(server, client, waits, tmp_path):
    def flaky(handler, _, hit):
        if hit == 1:
            send(handler, 500, b"internal error", "text/plain")
        else:
            send(handler, 200, idi_csv(), "text/csv")

    server.routes["/idi.csv"] = flaky
    path, rows = files.download_itu_idi(client, tmp_path, f"{server.url}/idi.csv")
    assert server.hits["/idi.csv"] == 2 and waits == []  # urllib3's backoff: the first retry does not wait
    assert path.read_bytes().startswith(b"idi_rank_2017,iso3,itu_country_name,idi_2017\n1,AAB,Economy 1,8.95\n")
    assert rows == 120


def test_http_500_every_time_fails_after_the_retries_and_keeps_the_old_file(server, client, waits, tmp_path):
    old = tmp_path / "itu_idi" / "itu_idi_2017.csv"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"the copy on disk")
    server.routes["/idi.csv"] = lambda h, q, n: send(h, 503, b"busy", "text/plain")
    with pytest.raises(DownloadError, match=r"failed after 3 tries \(HTTP 503"):
        files.download_itu_idi(client, tmp_path, f"{server.url}/idi.csv")
    assert server.hits["/idi.csv"] == 3 and waits == [0.2]  # then 2x the backoff factor of 0.1 s
    assert old.read_bytes() == b"the copy on disk" and not leftovers(tmp_path)


@pytest.mark.parametrize(("retry_after", "waited"), [("3", 3), ("3600", 60)])
def test_retry_after_is_honoured_up_to_the_longest_wait(server, client, waits, tmp_path, retry_after, waited):
    def busy_first(handler, _, hit):
        if hit == 1:
            send(handler, 429, b"slow down", "text/plain", headers=[("Retry-After", retry_after)])
        else:
            send(handler, 200, idi_csv(), "text/csv")

    server.routes["/idi.csv"] = busy_first
    _, rows = files.download_itu_idi(client, tmp_path, f"{server.url}/idi.csv")
    assert rows == 120 and server.hits["/idi.csv"] == 2 and waits == [waited]  # HttpPolicy.max_backoff_s: 60


def test_http_404_is_not_retried(server, client, tmp_path):
    with pytest.raises(DownloadError, match="HTTP 404"):
        files.download_itu_idi(client, tmp_path, f"{server.url}/missing.csv")
    assert server.hits["/missing.csv"] == 1


def test_a_timeout_is_retried_then_succeeds(server, impatient_client, tmp_path):
    def slow_first(handler, _, hit):
        if hit == 1:
            time.sleep(5 * SHORT_TIMEOUT_S)  # far past the client's timeout
        send(handler, 200, idi_csv(), "text/csv")

    server.routes["/idi.csv"] = slow_first
    started = time.monotonic()
    path, _ = files.download_itu_idi(impatient_client, tmp_path, f"{server.url}/idi.csv")
    assert path.exists() and server.hits["/idi.csv"] == 2
    # The client gave up on the first answer, not waited for it.
    assert time.monotonic() - started < 4 * SHORT_TIMEOUT_S


def test_a_server_that_never_answers_in_time_is_reported_unreachable(server, impatient_client, tmp_path):
    server.routes["/idi.csv"] = lambda h, q, n: (
        time.sleep(SHORT_TIMEOUT_S + 0.5), send(h, 200, idi_csv(), "text/csv")
    )
    with pytest.raises(Unreachable, match="no answer after 3 tries"):
        files.download_itu_idi(impatient_client, tmp_path, f"{server.url}/idi.csv")
    assert server.hits["/idi.csv"] == 3 and not (tmp_path / "itu_idi").exists()


def test_a_truncated_body_is_retried_and_never_lands(server, client, tmp_path):
    body = idi_csv()

    def truncated_first(handler, _, hit):
        if hit == 1:
            send(handler, 200, body[:500], "text/csv", length=len(body))  # announces more than it sends
        else:
            send(handler, 200, body, "text/csv")

    server.routes["/idi.csv"] = truncated_first
    path, rows = files.download_itu_idi(client, tmp_path, f"{server.url}/idi.csv")
    assert server.hits["/idi.csv"] == 2 and rows == 120

    server.routes["/always-short.csv"] = lambda h, q, n: send(h, 200, body[:500], "text/csv", length=len(body))
    with pytest.raises(DownloadError, match=rf"truncated body: 500 of {len(body)} bytes"):
        files.download_itu_idi(client, tmp_path / "other", f"{server.url}/always-short.csv")
    assert not (tmp_path / "other" / "itu_idi").exists() or not any((tmp_path / "other" / "itu_idi").iterdir())


def test_a_wrong_content_type_is_refused_at_once(server, client, tmp_path):
    server.routes["/idi.csv"] = serve(b"<html><body>Please log in</body></html>", "text/html; charset=utf-8")
    with pytest.raises(DownloadError, match="content type text/html, expected text/csv"):
        files.download_itu_idi(client, tmp_path, f"{server.url}/idi.csv")
    assert server.hits["/idi.csv"] == 1 and not (tmp_path / "itu_idi").exists()


@needs_mirror
def test_a_json_api_answering_html_is_refused(server, client, tmp_path):
    server.routes["/v2/country"] = serve(b"<html>maintenance</html>", "text/html")
    with pytest.raises(DownloadError, match="content type text/html, expected application/json"):
        world_bank.download_wdi(client, tmp_path, base_url=server.url)


def test_a_redirect_is_followed(server, client, tmp_path):
    server.routes["/old/idi.csv"] = lambda h, q, n: send(h, 302, b"", "text/plain", headers=[("Location", "/new/idi.csv")])
    server.routes["/new/idi.csv"] = serve(idi_csv(), "text/csv")
    path, rows = files.download_itu_idi(client, tmp_path, f"{server.url}/old/idi.csv")
    assert rows == 120 and server.hits["/new/idi.csv"] == 1


def test_a_redirect_to_another_scheme_is_refused(server, client, tmp_path):
    server.routes["/idi.csv"] = lambda h, q, n: send(h, 302, b"", "text/plain", headers=[("Location", "file:///etc/passwd")])
    with pytest.raises(DownloadError):
        files.download_itu_idi(client, tmp_path, f"{server.url}/idi.csv")
    assert not (tmp_path / "itu_idi").exists()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()


@pytest.mark.parametrize("evil", ["../../escaped.RData", "/tmp/escaped.RData", "wiod2016/../../../escaped.RData"])
def test_a_zip_member_that_would_land_outside_the_raw_folder_refuses_the_archive(server, client, tmp_path, evil):
    raw = tmp_path / "raw"
    raw.mkdir()
    archive = zip_bytes({"WIOT2010_October16_ROW.RData": b"fine", evil: b"escaped"})
    server.routes["/wiots.zip"] = serve(archive, "application/zip")
    with pytest.raises(UnsafePath, match="outside the raw folder; archive refused"):
        files.download_archive(client, raw, f"{server.url}/wiots.zip", wiod2016.FOLDER, wiod2016.FILE_NAME)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # nothing extracted, inside or out
    assert not Path("/tmp/escaped.RData").exists()


def test_a_zip_link_member_refuses_the_archive(server, client, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("WIOT2010_October16_ROW.RData")
        link.external_attr = (0o120777 << 16)  # a symbolic link
        archive.writestr(link, "/etc/passwd")
    server.routes["/wiots.zip"] = serve(buffer.getvalue(), "application/zip")
    with pytest.raises(UnsafePath, match="is a link"):
        files.download_archive(client, tmp_path, f"{server.url}/wiots.zip", wiod2016.FOLDER, wiod2016.FILE_NAME)


@pytest.mark.parametrize("target", ["../outside.csv", "/etc/outside.csv", "wdi/../../outside.csv", "."])
def test_a_target_path_outside_the_raw_folder_is_refused(tmp_path, target):
    raw = tmp_path / "raw"
    raw.mkdir()
    with pytest.raises(UnsafePath, match="outside"):
        safe_path(raw, target)
    with pytest.raises(UnsafePath):
        with atomic_file(raw, target) as out:
            out.write(b"never")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_target_inside_a_link_that_leaves_the_raw_folder_is_refused(tmp_path):
    raw, elsewhere = tmp_path / "raw", tmp_path / "elsewhere"
    raw.mkdir()
    elsewhere.mkdir()
    (raw / "wdi").symlink_to(elsewhere)
    with pytest.raises(UnsafePath):
        safe_path(raw, "wdi/wdi_selected_long.csv")


def test_an_interrupted_write_leaves_the_old_file_and_no_partial(tmp_path):
    target = tmp_path / "wdi" / "wdi_selected_long.csv"
    target.parent.mkdir()
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_file(tmp_path, "wdi/wdi_selected_long.csv") as out:
            out.write(b"half a fi")
            raise RuntimeError("connection lost")
    assert target.read_text() == "old" and not leftovers(tmp_path)


def test_a_zip_archive_is_extracted_into_the_release_folder_and_read(server, client, tmp_path):
    sample = sample_wiod2016(2010)
    write_wiod2016_rdata(tmp_path / "build", sample)
    rdata_bytes = (tmp_path / "build" / "wiod2016" / "WIOT2010_October16_ROW.RData").read_bytes()
    archive = zip_bytes({"WIOTS_in_R/WIOT2010_October16_ROW.RData": rdata_bytes, "README.txt": b"not a table"})
    server.routes["/WIOTS_in_R.zip"] = serve(archive, "application/octet-stream")
    raw = tmp_path / "raw"
    raw.mkdir()
    settings = local_settings(server.url, wiod2016_archive_url=f"{server.url}/WIOTS_in_R.zip")
    outcomes = connectors.download_missing(raw, settings, refresh=frozenset({"wiod2016"}), report=lambda _: None)
    assert {o.source: o.status for o in outcomes}["wiod2016"] == "downloaded"
    assert sorted(p.name for p in (raw / "wiod2016").iterdir()) == ["WIOT2010_October16_ROW.RData"]
    assert wiod2016.read_year(raw, 2010).output.sum() == pytest.approx(sample.output.sum())
    assert "wiod2016/WIOT2010_October16_ROW.RData" in raw_files.load_manifest(raw)


# --- the WIOD 2013 and ITU files, and `make data` ------------------------------------------


@needs_mirror
def test_missing_wiod2013_years_are_downloaded_with_the_release_checksum(server, tmp_path):
    for year in files.WIOD2013_FILES:
        server.routes[f"/wiod/wiot_{year}.RData"] = serve(
            (MIRROR_RDATA / f"wiot_{year}.RData").read_bytes(), "application/octet-stream"
        )
    raw = tmp_path / "raw"
    (raw / "wiod2013" / "rdata").mkdir(parents=True)
    (raw / "wiod2013" / "rdata" / "wiot_1995.RData").write_bytes((MIRROR_RDATA / "wiot_1995.RData").read_bytes())
    outcomes = connectors.download_missing(raw, local_settings(server.url), report=lambda _: None)
    assert {o.source: o.status for o in outcomes}["wiod2013"] == "downloaded"
    assert server.hits["/wiod/wiot_1995.RData"] == 0 and server.hits["/wiod/wiot_2011.RData"] == 1
    for year in files.WIOD2013_FILES:
        assert (raw / files.wiod2013_target(year)).read_bytes() == (MIRROR_RDATA / f"wiot_{year}.RData").read_bytes()


@needs_mirror
def test_a_wiod2013_file_that_is_not_the_release_is_refused(server, client, tmp_path):
    real = (MIRROR_RDATA / "wiot_2011.RData").read_bytes()
    tampered = real[:1000] + bytes([real[1000] ^ 0xFF]) + real[1001:]
    server.routes["/wiod/wiot_2011.RData"] = serve(tampered, "application/octet-stream")
    with pytest.raises(DownloadError, match="not the WIOD 2013 release file"):
        files.download_wiod2013_year(client, tmp_path, f"{server.url}/wiod", 2011)
    assert not (tmp_path / files.wiod2013_target(2011)).exists() and not leftovers(tmp_path)


@needs_mirror
def test_the_public_itu_layout_is_converted_to_the_mirror_layout(server, client, tmp_path):
    mirror = pd.read_csv(MIRROR_IDI)
    names = mirror["itu_country_name"].tolist()
    # The public source spells two names with a broken character (Latin-1 bytes).
    source = "Country,IDI\n" + "".join(
        f'"{n}",{v}\n' for n, v in zip(names, mirror["idi_2017"])
    )
    source = source.replace("Cote d'Ivoire", "C\xf4te d'Ivoire").replace("Sao Tome", "S. Tom\xe9")
    server.routes["/idi.csv"] = serve(source.encode("latin-1"), "text/plain; charset=utf-8")
    path, rows = files.download_itu_idi(client, tmp_path, f"{server.url}/idi.csv")
    pd.testing.assert_frame_equal(pd.read_csv(path), mirror)


def test_offline_sources_are_reported_and_the_sync_carries_on(monkeypatch, tmp_path, capsys):
    mirror, raw = tmp_path / "mirror", tmp_path / "raw"
    (mirror / "ncses_sei").mkdir(parents=True)
    (mirror / "ncses_sei" / "table.csv").write_text("a,b\n1,2\n")
    offline = closed_port_url()
    for name, value in {
        "DATA_MIRROR": str(mirror), "RAW_DATA_DIR": str(raw), "WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "WORLD_BANK_API_URL": offline, "WIOD2013_BASE_URL": offline, "ITU_IDI_URL": f"{offline}/idi.csv",
        "WIOD2016_ARCHIVE_URL": "", "OECD_ICIO_ARCHIVE_URLS": "", "DATA_REFRESH": "",
        "DOWNLOAD_RETRIES": "1", "DOWNLOAD_BACKOFF_S": "0", "DOWNLOAD_TIMEOUT_S": "2",
    }.items():
        monkeypatch.setenv(name, value)
    started = time.monotonic()
    assert data_sync.main([]) == 0
    printed = capsys.readouterr().out
    assert (raw / "ncses_sei" / "table.csv").read_text() == "a,b\n1,2\n"
    assert "wdi: offline" in printed and "wiod2013: offline" in printed and "itu_idi: offline" in printed
    assert "wiod2016: not configured" in printed
    assert "the pipeline runs on what is on disk" in printed
    # The host is given up after one round of tries, not once per WIOD year.
    assert "did not answer earlier in this run" in printed
    assert time.monotonic() - started < 30
    assert not leftovers(raw)


def test_refresh_replaces_a_file_and_the_mirror_copy_then_leaves_it_alone(server, tmp_path):
    mirror, raw = tmp_path / "mirror", tmp_path / "raw"
    (mirror / "itu_idi").mkdir(parents=True)
    (mirror / "itu_idi" / "itu_idi_2017.csv").write_text("the mirror's copy\n")
    assert data_sync.sync_mirror(mirror, raw).copied == ["itu_idi/itu_idi_2017.csv"]
    server.routes["/idi.csv"] = serve(idi_csv(), "text/csv")
    outcomes = connectors.download_missing(raw, local_settings(server.url), refresh=frozenset({"itu_idi"}),
                                           report=lambda _: None)
    statuses = {o.source: o.status for o in outcomes}
    assert statuses["itu_idi"] == "downloaded"
    downloaded = (raw / "itu_idi" / "itu_idi_2017.csv").read_bytes()
    pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(downloaded)), pd.read_csv(io.BytesIO(idi_csv())))
    assert raw_files.load_manifest(raw)["itu_idi/itu_idi_2017.csv"]["source"] == f"{server.url}/idi.csv"
    sync = data_sync.sync_mirror(mirror, raw)
    assert sync.copied == [] and sync.kept[0].startswith("kept itu_idi/itu_idi_2017.csv: it was downloaded from")
    assert (raw / "itu_idi" / "itu_idi_2017.csv").read_bytes() == downloaded


def test_present_files_are_not_downloaded_again(server, tmp_path):
    (tmp_path / "itu_idi").mkdir()
    (tmp_path / "itu_idi" / "itu_idi_2017.csv").write_text("on disk")
    (tmp_path / "wdi").mkdir()
    (tmp_path / "wdi" / "wdi_selected_long.csv").write_text("on disk")
    for year in files.WIOD2013_FILES:
        target = tmp_path / files.wiod2013_target(year)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("on disk")
    outcomes = connectors.download_missing(tmp_path, local_settings(server.url), report=lambda _: None)
    assert {o.source: o.status for o in outcomes} == {
        "wdi": "present", "wiod2013": "present", "itu_idi": "present",
        "wiod2016": "not configured", "oecd_icio": "not configured",
    }
    assert sum(server.hits.values()) == 0


def test_settings_come_from_the_environment():
    settings = connectors.ConnectorSettings.from_env({
        "WORLD_BANK_API_URL": "http://127.0.0.1:9/api", "WDI_INDICATORS": "A.B, C.D",
        "OECD_ICIO_ARCHIVE_URLS": "http://127.0.0.1:9/a.zip,http://127.0.0.1:9/b.zip", "DOWNLOAD_RETRIES": "5",
    })
    assert settings.world_bank_api_url == "http://127.0.0.1:9/api"
    assert settings.wdi_indicators == ("A.B", "C.D")
    assert settings.oecd_icio_archive_urls == ("http://127.0.0.1:9/a.zip", "http://127.0.0.1:9/b.zip")
    assert settings.policy.retries == 5
    defaults = connectors.ConnectorSettings.from_env({})
    assert defaults.world_bank_api_url == "https://api.worldbank.org"
    assert defaults.wdi_indicators == world_bank.INDICATORS and len(world_bank.INDICATORS) == 30
    assert defaults.wiod2016_archive_url == "" and defaults.oecd_icio_archive_urls == ()


def test_unknown_refresh_source_is_an_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("RAW_DATA_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("DATA_MIRROR", str(tmp_path / "none"))
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.delenv("DATA_REFRESH", raising=False)
    assert data_sync.main(["--refresh", "wdi,nonsense"]) == 2
    assert "unknown source(s) to refresh: nonsense" in capsys.readouterr().err
    assert data_sync.parse_refresh(["all"]) == frozenset(connectors.SOURCES)
