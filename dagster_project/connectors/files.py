"""Plain file and archive downloads: WIOD 2013 RData years, the ITU IDI, release archives.

* WIOD 2013: `{WIOD2013_BASE_URL}/wiot_YYYY.RData`, the bquast/wiod package's files, each
  checked against the SHA-256 of the copy the data mirror was built from (PROVENANCE.md), so
  only those exact bytes are accepted.
* ITU ICT Development Index 2017: a CSV at `ITU_IDI_URL`, in the warehouse's layout
  (idi_rank_2017, iso3, itu_country_name, idi_2017) or in the public source's `Country,IDI`
  (ordered by rank; ITU country names mapped to ISO3 with `itu_idi_names.csv`); written as
  `itu_idi/itu_idi_2017.csv`.
* Release archives (WIOD 2016 `WIOTS_in_R.zip`, OECD ICIO zips of CSVs): downloaded to a
  temporary file, checked (a zip, CRCs, no member that could land outside the raw folder),
  and the members whose names match the release's file names extracted into its folder.
"""

from __future__ import annotations

import csv
import io
import re
import stat
import tempfile
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath

from dagster_project.connectors.http import DownloadError, HttpClient, copy_stream
from dagster_project.storage.raw_files import UnsafePath, atomic_file, safe_path

# SHA-256 and size of the WIOD 2013 RData files of bquast/wiod at commit 59a28ac (the data mirror).
WIOD2013_FILES = {
    1995: ("99a6ab25f7bcca2870cfa83f8f6171eeb09d93b39263b2a15f8236b3302d1ad6", 350798),
    1996: ("19425170930dfd9cdd2f572d0ac63332a3571af42850fd8047629f49de4acf04", 358172),
    1997: ("7c9809158cdb324f1ab04e799888faaa5980f174167fc3e823653cf80a0565ae", 362818),
    1998: ("af7579310f67f9a1f247012f4f39f1d9d380609f31189c97355c8746194a6c13", 363465),
    1999: ("3a6e0498b08a39cb6624f513c29ec1a13f69b55dcf5a80f9cf11283264ff5dba", 365093),
    2000: ("da660ec5c0c6c50a592243bfbf59bab4601e9cc46fac348c96ab5079d542c96b", 377987),
    2001: ("f87eab8a1191436ab2fe3b405b62613758bb6ea5c8321cb16eae62cb3f62784e", 379500),
    2002: ("b118e5ea89350308a7ca0d5996ca69456ed2a0812539fbd6f69bb3c631b5b532", 389182),
    2003: ("9615154d61b42c8f46c28d42f411cf118045b8a24fd8e8f08e22eef741efeafe", 415930),
    2004: ("954e94099a9d07bf8561bda145e410101995ef1d256a3b0463a54e116585175d", 448643),
    2005: ("7cec43e8fcdf58ef8552fb6c1b4f34bb3b6810a6b59cadf569934537228454cc", 468263),
    2006: ("5f9bd9fa6f9e2937495bbd627755387f41e942ac4dc68d2e14e8e347522527d7", 493541),
    2007: ("c1dff55344680ad3a7dd2ecb377e034fff5e98221c616c4b0a3ed46c7f0f8690", 525035),
    2008: ("acfd78fd426fc9656933811b1065d9ef79f2cecf8e1d85eec4ca42626cf2648f", 551684),
    2009: ("f8001ea936f2dda6fbedf93168c24780920cf55145c309349d1e62856634fb7d", 508641),
    2010: ("9d4cc68266e3c723bbf308370e911b91f3b4cf41051b43af5036d1e6cc423148", 514130),
    2011: ("8345949612ef0ed824e4e07e140b0ce0b4c77a758975116544a2db660560efb0", 540904),
}
BINARY_TYPES = ("application/octet-stream", "binary/octet-stream", "application/x-r-data", "application/x-rdata")

ITU_IDI_TARGET = Path("itu_idi") / "itu_idi_2017.csv"
ITU_IDI_COLUMNS = ("idi_rank_2017", "iso3", "itu_country_name", "idi_2017")
ITU_SOURCE_COLUMNS = ("Country", "IDI")
ITU_MIN_ROWS = 100  # the 2017 edition ranks 176 economies
ITU_NAMES = Path(__file__).with_name("itu_idi_names.csv")
TEXT_TYPES = ("text/csv", "text/plain", "application/csv", "application/octet-stream")
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream", "binary/octet-stream")
MAX_ARCHIVE_BYTES = 16 << 30


def wiod2013_target(year: int) -> Path:
    return Path("wiod2013") / "rdata" / f"wiot_{year}.RData"


def download_wiod2013_year(client: HttpClient, raw_dir: Path, base_url: str, year: int) -> Path:
    """One WIOD 2013 RData year, accepted only with the release's exact bytes."""
    sha256, size = WIOD2013_FILES[year]
    url = f"{base_url.rstrip('/')}/wiot_{year}.RData"
    with atomic_file(raw_dir, wiod2013_target(year)) as out:
        response = client.get(url, accept=BINARY_TYPES, into=out, max_bytes=size)
        if response.size != size or response.sha256 != sha256:
            raise DownloadError(
                f"{url}: {response.size} bytes with SHA-256 {response.sha256[:12]}..., expected "
                f"{size} bytes with {sha256[:12]}... (not the WIOD 2013 release file)"
            )
    return raw_dir / wiod2013_target(year)


def download_itu_idi(client: HttpClient, raw_dir: Path, url: str) -> tuple[Path, int]:
    """The ITU IDI 2017 table in the warehouse's layout; returns (path, rows)."""
    response = client.get(url, accept=TEXT_TYPES, max_bytes=16 << 20)
    rows = itu_idi_rows(url, response.body.decode("utf-8", errors="replace"))
    with atomic_file(raw_dir, ITU_IDI_TARGET) as out:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(ITU_IDI_COLUMNS)
        writer.writerows(rows)
        text.flush()
        text.detach()
    return raw_dir / ITU_IDI_TARGET, len(rows)


def itu_idi_rows(url: str, text: str) -> list[tuple[int, str, str, float]]:
    """Rows (rank, iso3, name, idi) from either accepted layout, every value checked."""
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, body = (tuple(c.strip() for c in table[0]), [r for r in table[1:] if any(r)]) if table else ((), [])
    if header == ITU_IDI_COLUMNS:
        rows = [(_int(url, r[0]), r[1].strip(), r[2].strip(), _idi(url, r[3])) for r in body]
    elif header == ITU_SOURCE_COLUMNS:
        names = _itu_names()
        unknown = [r[0] for r in body if _name_key(r[0]) not in names]
        if unknown:
            raise DownloadError(f"{url}: no ISO3 code known for the ITU name(s) {', '.join(unknown[:5])}")
        rows = [(k, *names[_name_key(r[0])], _idi(url, r[1])) for k, r in enumerate(body, start=1)]
    else:
        raise DownloadError(f"{url}: header {', '.join(header) or '(empty)'} is neither "
                            f"{', '.join(ITU_IDI_COLUMNS)} nor {', '.join(ITU_SOURCE_COLUMNS)}")
    if len(rows) < ITU_MIN_ROWS:
        raise DownloadError(f"{url}: {len(rows)} economies, expected at least {ITU_MIN_ROWS} (truncated?)")
    iso3 = [r[1] for r in rows]
    bad = [c for c in iso3 if not re.fullmatch(r"[A-Z]{3}", c)] or sorted({c for c in iso3 if iso3.count(c) > 1})
    if bad:
        raise DownloadError(f"{url}: ISO3 code(s) {', '.join(bad[:5])} are malformed or repeated")
    return rows


def download_archive(
    client: HttpClient, raw_dir: Path, url: str, folder: Path, member_name: re.Pattern
) -> list[Path]:
    """Download a zip and extract the members whose base name matches into raw_dir/folder.

    The archive is refused whole, before anything is extracted, if a member's name is
    absolute, climbs with `..`, or is a link: nothing may land outside the raw folder.
    """
    safe_path(raw_dir, folder / "probe")  # the folder itself must be inside raw_dir
    with tempfile.TemporaryFile(dir=raw_dir) as archive:
        client.get(url, accept=ZIP_TYPES, into=archive, max_bytes=MAX_ARCHIVE_BYTES)
        archive.seek(0)
        try:
            zipped = zipfile.ZipFile(archive)
        except zipfile.BadZipFile as exc:
            raise DownloadError(f"{url}: not a zip archive ({exc})") from exc
        with zipped:
            members = zipped.infolist()
            for info in members:
                _check_member(url, info)
            wanted = [i for i in members if not i.is_dir() and member_name.match(PurePosixPath(i.filename).name)]
            if not wanted:
                raise DownloadError(f"{url}: no member named like {member_name.pattern}")
            written = []
            for info in wanted:
                relative = folder / PurePosixPath(info.filename).name
                try:
                    with zipped.open(info) as source, atomic_file(raw_dir, relative) as out:
                        size = copy_stream(source, out)
                except zipfile.BadZipFile as exc:  # CRC mismatch: a corrupt member
                    raise DownloadError(f"{url}: member {info.filename} is corrupt ({exc})") from exc
                if size != info.file_size:
                    raise DownloadError(f"{url}: member {info.filename} gave {size} of {info.file_size} bytes")
                written.append(raw_dir / relative)
    return written


def _check_member(url: str, info: zipfile.ZipInfo) -> None:
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name) or ".." in path.parts:
        raise UnsafePath(f"{url}: member {info.filename!r} would be written outside the raw folder; archive refused")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UnsafePath(f"{url}: member {info.filename!r} is a link; archive refused")


def _itu_names() -> dict[str, tuple[str, str]]:
    """Spelling key -> (iso3, name as the warehouse writes it: the first spelling listed)."""
    names: dict[str, tuple[str, str]] = {}
    canonical: dict[str, str] = {}
    with ITU_NAMES.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            name = canonical.setdefault(row["iso3"], row["itu_country_name"])
            names[_name_key(row["itu_country_name"])] = (row["iso3"], name)
    return names


def _name_key(name: str) -> str:
    """Letters and digits only, accents folded, so 'Côte d'Ivoire' reads as 'Cote d'Ivoire';
    the public source's broken character (U+FFFD, or a Latin-1 byte decoded as one) is
    dropped, and itu_idi_names.csv lists those two spellings too."""
    return re.sub(r"[^a-z0-9]", "", _ascii(name).lower())


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().strip()


def _int(url: str, text: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise DownloadError(f"{url}: rank {text!r} is not a whole number") from exc


def _idi(url: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise DownloadError(f"{url}: IDI value {text!r} is not a number") from exc
    if not 0 <= value <= 10:
        raise DownloadError(f"{url}: IDI value {value} is outside the index's 0-10 range")
    return value
