"""The findings report read without a browser: its visible text (not scripts or styles) and its ledger table."""

import re
from html.parser import HTMLParser

import pandas as pd

MISSING_WORDS = re.compile(r"\b(nan|NaN|None|NaT|<NA>|null)\b")
LONG_DECIMALS = re.compile(r"\d[.,]\d{5,}")  # more than 4 decimals: float noise or unformatted numbers


class PageText(HTMLParser):
    """Visible text (not scripts or styles), and the ledger table's rows as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.skip, self.text, self.ledger, self.in_ledger, self.cell, self.row = 0, [], [], False, None, None
        self.headers, self.in_head, self.external = [], False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if tag in ("script", "link", "img", "iframe") and (attrs.get(name) or "").startswith(("http", "//")):
                self.external.append((tag, attrs[name]))
        if tag == "link" or (tag == "script" and "src" in attrs):
            self.external.append((tag, attrs.get("href") or attrs.get("src")))
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "table" and attrs.get("id") == "ledger":
            self.in_ledger = True
        if self.in_ledger and tag == "thead":
            self.in_head = True
        if self.in_ledger and tag == "tr" and not self.in_head:
            self.row = []
        if self.in_ledger and tag in ("td", "th"):
            self.cell = []
        self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if self.in_ledger and tag in ("td", "th") and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            (self.headers if self.in_head else self.row).append(text)
            self.cell = None
        if self.in_ledger and tag == "thead":
            self.in_head = False
        if self.in_ledger and tag == "tr" and self.row is not None:
            self.ledger.append(self.row)
            self.row = None
        if tag == "table" and self.in_ledger:
            self.in_ledger = False
        self.text.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)
            if self.cell is not None:
                self.cell.append(data)


def parse(html: str) -> PageText:
    page = PageText()
    page.feed(html)
    return page


def ledger_frame(page: PageText) -> pd.DataFrame:
    return pd.DataFrame(page.ledger, columns=page.headers)
