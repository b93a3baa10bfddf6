"""World Development Indicators from the World Bank API, in the mirror's long layout.

`GET {base}/v2/country/all/indicator/{code}?format=json&per_page=N&page=K&date=Y1:Y2`
answers `[{"page": K, "pages": P, "per_page": N, "total": T, ...}, [row, ...]]`, each row
`{"indicator": {"id": code}, "countryiso3code": "KOR", "date": "2018", "value": 4.516, ...}`;
an error is `[{"message": [{"id": ..., "key": ..., "value": ...}]}]`. Every page of every
indicator is read (the row count checked against `total`), rows of regional and income
aggregates are dropped (economies are `GET {base}/v2/country?format=json`, whose aggregates
have region id "NA"), and so are rows without a value. The result is written, all
indicators at once or not at all, as `wdi/wdi_selected_long.csv` with the columns
country_code, indicator_code, year, value, the layout the rest of the pipeline reads.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
from pathlib import Path

from dagster_project.connectors.http import DownloadError, HttpClient, Response
from dagster_project.storage.raw_files import atomic_file

TARGET = Path("wdi") / "wdi_selected_long.csv"
COLUMNS = ("country_code", "indicator_code", "year", "value")
# The indicators the models use: the 30 of the data mirror (wdi/wdi_indicators.csv).
INDICATORS = (
    "BM.GSR.ROYL.CD", "BX.GSR.ROYL.CD", "BX.KLT.DINV.CD.WD", "GB.XPD.RSDV.GD.ZS", "IP.JRN.ARTC.SC",
    "IP.PAT.NRES", "IP.PAT.RESD", "IT.CEL.SETS.P2", "IT.MLT.MAIN.P2", "IT.NET.BBND.P2", "IT.NET.SECR.P6",
    "NE.EXP.GNFS.ZS", "NV.IND.TOTL.ZS", "NV.MNF.TECH.ZS.UN", "NY.GDP.MKTP.CD", "NY.GDP.MKTP.KD.ZG",
    "NY.GDP.PCAP.CD", "NY.GDP.PCAP.PP.CD", "NY.GNP.PCAP.CD", "SE.ADT.LITR.ZS", "SE.SEC.ENRR", "SE.TER.ENRR",
    "SL.IND.EMPL.MA.ZS", "SP.POP.SCIE.RD.P6", "SP.POP.TECH.RD.P6", "SP.POP.TOTL", "TX.MNF.TECH.ZS.UN",
    "TX.VAL.MRCH.CD.WT", "TX.VAL.TECH.CD", "TX.VAL.TECH.MF.ZS",
)  # fmt: skip
AGGREGATE_REGION = "NA"
MAX_PAGES = 1000  # a bound on paging, far above any real answer
MAX_PAGE_BYTES = 256 << 20


def download_wdi(
    client: HttpClient,
    raw_dir: Path,
    *,
    base_url: str,
    indicators: tuple[str, ...] = INDICATORS,
    date_range: str = "",
    per_page: int = 10_000,
) -> tuple[Path, int]:
    """Fetch every indicator and write the long CSV; returns (path, rows written)."""
    economies = fetch_economies(client, base_url, per_page)
    rows: list[tuple[str, str, int, float]] = []
    for code in indicators:
        query = {"format": "json", "per_page": per_page}
        if date_range:
            query["date"] = date_range
        url = f"{base_url.rstrip('/')}/v2/country/all/indicator/{urllib.parse.quote(code, safe='.')}"
        for entry in _pages(client, url, query):
            iso3 = entry.get("countryiso3code") or ""
            value = entry.get("value")
            if iso3 in economies and value is not None:
                try:
                    rows.append((iso3, code, int(entry["date"]), float(value)))
                except (KeyError, TypeError, ValueError) as exc:
                    raise DownloadError(f"{url}: row {entry!r} has no usable date or value ({exc})") from exc
    if not rows:
        raise DownloadError(f"{base_url}: no values for any of {len(indicators)} indicators")
    rows.sort()
    with atomic_file(raw_dir, TARGET) as out:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows((c, i, y, repr(v)) for c, i, y, v in rows)
        text.flush()
        text.detach()
    return raw_dir / TARGET, len(rows)


def fetch_economies(client: HttpClient, base_url: str, per_page: int) -> set[str]:
    """ISO3 codes of economies, without the API's regional and income aggregates."""
    url = f"{base_url.rstrip('/')}/v2/country"
    economies = {
        entry["id"]
        for entry in _pages(client, url, {"format": "json", "per_page": per_page})
        if entry.get("id") and (entry.get("region") or {}).get("id") != AGGREGATE_REGION
    }
    if not economies:
        raise DownloadError(f"{url}: the country list holds no economy")
    return economies


def _pages(client: HttpClient, url: str, query: dict) -> list[dict]:
    """Every row of a paged API answer, checked against the total the first page announces."""
    entries: list[dict] = []
    page, pages, total = 1, 1, None
    while page <= pages:
        if page > MAX_PAGES:
            raise DownloadError(f"{url}: more than {MAX_PAGES} pages; refusing to go on")
        page_url = f"{url}?{urllib.parse.urlencode({**query, 'page': page})}"
        response = client.get(page_url, accept=("application/json", "text/json"), max_bytes=MAX_PAGE_BYTES)
        header, rows = _page(page_url, response)
        pages = int(header.get("pages") or 0)
        if total is None:
            total = int(header.get("total") or 0)
        entries.extend(rows)
        page += 1
    if len(entries) != total:
        raise DownloadError(f"{url}: {len(entries)} rows over {pages} page(s), the API announced {total}")
    return entries


def _page(url: str, response: Response) -> tuple[dict, list[dict]]:
    try:
        payload = json.loads(response.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DownloadError(f"{url}: not JSON ({exc})") from exc
    if isinstance(payload, list) and payload and isinstance(payload[0], dict) and "message" in payload[0]:
        messages = "; ".join(
            f"{m.get('key', '')}: {m.get('value', '')}".strip(": ") for m in payload[0]["message"] or []
        )
        raise DownloadError(f"{url}: the API answered with an error ({messages or payload[0]['message']})")
    if not (isinstance(payload, list) and len(payload) >= 1 and isinstance(payload[0], dict) and "pages" in payload[0]):
        raise DownloadError(f"{url}: not the World Bank API layout [{{page, pages, total}}, [rows]]")
    rows = payload[1] if len(payload) > 1 and payload[1] is not None else []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise DownloadError(f"{url}: the second element is not a list of rows")
    return payload[0], rows
