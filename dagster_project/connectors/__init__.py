"""Download connectors: fill the raw folder from the official sources, where the mirror did not.

`make data` copies the local mirror first (cli/data_sync.py), then `download_missing` fetches
what is still missing, and, for the sources named in `refresh`, fetches again what is
there. Each source:

| name        | what                                              | setting (environment)                     |
|-------------|---------------------------------------------------|-------------------------------------------|
| `wdi`       | World Bank API -> wdi/wdi_selected_long.csv       | WORLD_BANK_API_URL, WDI_INDICATORS, WDI_DATE_RANGE, WDI_PER_PAGE |
| `wiod2013`  | wiod2013/rdata/wiot_YYYY.RData, 1995-2011         | WIOD2013_BASE_URL                         |
| `itu_idi`   | itu_idi/itu_idi_2017.csv                          | ITU_IDI_URL                               |
| `wiod2016`  | wiod2016/WIOT*_October16_ROW.RData from a zip     | WIOD2016_ARCHIVE_URL (no default)         |
| `oecd_icio` | oecd_icio/ICIO*_YYYY.csv from one or more zips    | OECD_ICIO_ARCHIVE_URLS (no default)       |

and DOWNLOAD_TIMEOUT_S, DOWNLOAD_RETRIES, DOWNLOAD_BACKOFF_S for all. A source that fails
(offline, or an answer that is not the data) leaves the files on disk as they were and is
reported; the pipeline then runs on what is on disk. Every downloaded file is recorded in
the raw folder's manifest (storage/raw_files.py: origin `download`, URL, SHA-256, time), and the
mirror copy does not overwrite it without being told to.

The one connector going the other way, `alerts.py`, posts failed runs to a webhook.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.connectors import files, world_bank
from dagster_project.connectors.http import DownloadError, HttpClient, HttpPolicy, Unreachable
from dagster_project.releases import oecd_icio, wiod2016
from dagster_project.storage import raw_files

SOURCES = ("wdi", "wiod2013", "itu_idi", "wiod2016", "oecd_icio")
WIOD2013_YEARS = tuple(files.WIOD2013_FILES)
DEFAULTS = {
    "WORLD_BANK_API_URL": "https://api.worldbank.org",
    "WIOD2013_BASE_URL": "https://raw.githubusercontent.com/bquast/wiod/59a28ac22fbd7751ea84c0f33722b5246b0af46d/data",
    # The public copy of ITU's IDI 2017 values (ITU, Measuring the Information Society 2017)
    # the data mirror was built from; see shared/data/PROVENANCE.md.
    "ITU_IDI_URL": "https://raw.githubusercontent.com/mpigmans/WM0824TU-group-9/3ed80fb026048b01d3a083d1c29c5159a0526728/idi.csv",
    "WDI_DATE_RANGE": "1995:2024",
    "WDI_PER_PAGE": "10000",
    "DOWNLOAD_TIMEOUT_S": "60",
    "DOWNLOAD_RETRIES": "3",
    "DOWNLOAD_BACKOFF_S": "2",
}


@dataclass(frozen=True)
class ConnectorSettings:
    world_bank_api_url: str
    wdi_indicators: tuple[str, ...]
    wdi_date_range: str
    wdi_per_page: int
    wiod2013_base_url: str
    itu_idi_url: str
    wiod2016_archive_url: str
    oecd_icio_archive_urls: tuple[str, ...]
    policy: HttpPolicy

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "ConnectorSettings":
        env = os.environ if env is None else env

        def get(name: str) -> str:
            return (env.get(name) or DEFAULTS.get(name, "")).strip()

        def codes(name: str) -> tuple[str, ...]:
            return tuple(c.strip() for c in get(name).split(",") if c.strip())

        try:
            return cls(
                world_bank_api_url=get("WORLD_BANK_API_URL"),
                wdi_indicators=codes("WDI_INDICATORS") or world_bank.INDICATORS,
                wdi_date_range=get("WDI_DATE_RANGE"),
                wdi_per_page=int(get("WDI_PER_PAGE")),
                wiod2013_base_url=get("WIOD2013_BASE_URL"),
                itu_idi_url=get("ITU_IDI_URL"),
                wiod2016_archive_url=get("WIOD2016_ARCHIVE_URL"),
                oecd_icio_archive_urls=codes("OECD_ICIO_ARCHIVE_URLS"),
                policy=HttpPolicy(
                    timeout_s=float(get("DOWNLOAD_TIMEOUT_S")),
                    retries=int(get("DOWNLOAD_RETRIES")),
                    backoff_s=float(get("DOWNLOAD_BACKOFF_S")),
                ),
            )
        except ValueError as exc:
            raise ValueError(f"download settings: {exc} (WDI_PER_PAGE, DOWNLOAD_* must be numbers)") from exc


@dataclass
class Outcome:
    source: str
    status: str  # "downloaded", "present", "not configured", "offline", "failed"
    detail: str = ""
    files: list[Path] = field(default_factory=list)
    url: str = ""  # where the files came from, for the manifest


def download_missing(
    raw_dir: Path,
    settings: ConnectorSettings | None = None,
    *,
    refresh: frozenset[str] = frozenset(),
    client: HttpClient | None = None,
    report: Callable[[str], None] = print,
) -> list[Outcome]:
    """Fetch every source's missing files (all of them for the sources in `refresh`)."""
    settings = settings or ConnectorSettings.from_env()
    client = client or HttpClient(settings.policy)
    unknown = set(refresh) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown source(s) to refresh: {', '.join(sorted(unknown))} (known: {', '.join(SOURCES)})")
    steps: dict[str, Callable[[], Outcome]] = {
        "wdi": lambda: _wdi(raw_dir, settings, client, "wdi" in refresh),
        "wiod2013": lambda: _wiod2013(raw_dir, settings, client, "wiod2013" in refresh),
        "itu_idi": lambda: _itu_idi(raw_dir, settings, client, "itu_idi" in refresh),
        "wiod2016": lambda: _archives(
            raw_dir, client, "wiod2016", [settings.wiod2016_archive_url] if settings.wiod2016_archive_url else [],
            wiod2016.FOLDER, wiod2016.FILE_NAME, wiod2016.available_years, "wiod2016" in refresh,
        ),
        "oecd_icio": lambda: _archives(
            raw_dir, client, "oecd_icio", list(settings.oecd_icio_archive_urls), oecd_icio.FOLDER,
            oecd_icio.FILE_NAME, oecd_icio.available_years, "oecd_icio" in refresh,
        ),
    }
    outcomes = []
    for name in SOURCES:
        try:
            outcome = steps[name]()
        except Unreachable as exc:
            outcome = Outcome(name, "offline", str(exc))
        except (DownloadError, raw_files.UnsafePath, IsADirectoryError) as exc:
            outcome = Outcome(name, "failed", str(exc))
        if outcome.files:
            raw_files.record(raw_dir, outcome.files, "download", outcome.url)
        report(f"  {name}: {outcome.status}{f' ({outcome.detail})' if outcome.detail else ''}")
        outcomes.append(outcome)
    return outcomes


def _wdi(raw_dir: Path, settings: ConnectorSettings, client: HttpClient, refresh: bool) -> Outcome:
    if (raw_dir / world_bank.TARGET).exists() and not refresh:
        return Outcome("wdi", "present")
    path, rows = world_bank.download_wdi(
        client, raw_dir, base_url=settings.world_bank_api_url, indicators=settings.wdi_indicators,
        date_range=settings.wdi_date_range, per_page=settings.wdi_per_page,
    )
    url = settings.world_bank_api_url
    detail = f"{rows} values of {len(settings.wdi_indicators)} indicators from {url}"
    return Outcome("wdi", "downloaded", detail, [path], url)


def _wiod2013(raw_dir: Path, settings: ConnectorSettings, client: HttpClient, refresh: bool) -> Outcome:
    years = [y for y in WIOD2013_YEARS if refresh or not (raw_dir / files.wiod2013_target(y)).exists()]
    if not years:
        return Outcome("wiod2013", "present")
    url = settings.wiod2013_base_url
    fetched, failures = [], []
    for year in years:
        try:
            fetched.append(files.download_wiod2013_year(client, raw_dir, url, year))
        except DownloadError as exc:  # one bad year does not stop the others
            failures.append(exc)
    if not failures:
        return Outcome("wiod2013", "downloaded", f"{len(fetched)} year(s) from {url}", fetched, url)
    status = "offline" if all(isinstance(e, Unreachable) for e in failures) else "failed"
    detail = f"{len(fetched)} of {len(years)} year(s) fetched; {failures[0]}"
    return Outcome("wiod2013", status, detail + (f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""),
                   fetched, url)


def _itu_idi(raw_dir: Path, settings: ConnectorSettings, client: HttpClient, refresh: bool) -> Outcome:
    if (raw_dir / files.ITU_IDI_TARGET).exists() and not refresh:
        return Outcome("itu_idi", "present")
    if not settings.itu_idi_url:
        return Outcome("itu_idi", "not configured", "set ITU_IDI_URL")
    url = settings.itu_idi_url
    path, rows = files.download_itu_idi(client, raw_dir, url)
    return Outcome("itu_idi", "downloaded", f"{rows} economies from {url}", [path], url)


def _archives(raw_dir, client, name, urls, folder, member_name, available_years, refresh) -> Outcome:
    if available_years(raw_dir) and not refresh:
        return Outcome(name, "present")
    if not urls:
        return Outcome(name, "not configured", f"no tables in {raw_dir / folder}; set "
                       f"{'WIOD2016_ARCHIVE_URL' if name == 'wiod2016' else 'OECD_ICIO_ARCHIVE_URLS'} to fetch them")
    written = [path for url in urls for path in files.download_archive(client, raw_dir, url, folder, member_name)]
    return Outcome(name, "downloaded", f"{len(written)} table file(s) from {', '.join(urls)}", written, ", ".join(urls))
