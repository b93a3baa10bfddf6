"""A 3-country, 2-industry world input-output table, and its value-added indicators worked out exactly.

The expected numbers are computed here from the definitions, in exact rational arithmetic
(fractions.Fraction, Gauss-Jordan elimination written out below), never by the code under test
nor by numpy: A = Z x̂⁻¹, v = 1 - Σᵢ Aᵢⱼ (the value-added proxy per unit of output), L = (I - A)⁻¹,
the value added of origin (s, i) embodied in country c's final demand v(s,i) (L f_c)(s,i), and in
its gross exports v(s,i) (L e_c)(s,i), e_c what c's industries sell to other countries.

Countries DEU, KOR, USA; industries c20 (wholesale trade: services) and c3 (food: manufacturing),
both of the WIOD 2013 classification, so the project's seeds classify them. Final demand has two
categories (c37 households, c41 gross fixed capital formation), summed per country.
"""

from __future__ import annotations

from fractions import Fraction

CLASSIFICATION = "wiod2013"
YEAR = 2011
COUNTRIES = ("DEU", "KOR", "USA")
INDUSTRIES = ("c20", "c3")  # sorted as the stage numbers them: 'c20' < 'c3'
SERVICES = {"c20"}
MANUFACTURING = {"c3"}
FINAL_USES = ("c37", "c41")
ROWS = tuple((c, i) for c in COUNTRIES for i in INDUSTRIES)

# Z: row = supplying (country, industry), column = using one, in ROWS order.
INTER = (
    (10, 20, 0, 5, 2, 3),
    (5, 30, 1, 10, 0, 4),
    (0, 2, 8, 15, 1, 0),
    (3, 6, 4, 40, 2, 10),
    (2, 4, 0, 3, 20, 25),
    (1, 5, 2, 6, 10, 30),
)
# Final use: columns DEU c37, DEU c41, KOR c37, KOR c41, USA c37, USA c41.
FINAL = (
    (60, 10, 2, 0, 3, 0),
    (30, 20, 5, 5, 10, 5),
    (1, 0, 50, 10, 2, 0),
    (4, 6, 25, 15, 12, 8),
    (2, 0, 1, 0, 90, 15),
    (5, 5, 3, 2, 40, 30),
)
N = len(ROWS)


def output() -> list[Fraction]:
    """x = row sums of Z and F: every row balances, as in the release's own output vector."""
    return [Fraction(sum(INTER[r]) + sum(FINAL[r])) for r in range(N)]


def flows_rows() -> list[tuple]:
    """raw.wiod_flows rows (classification, year, row_country, row_industry, col_country, col_use, use_type, value)."""
    rows = []
    for r, (rc, ri) in enumerate(ROWS):
        for k, (cc, ci) in enumerate(ROWS):
            if INTER[r][k]:
                rows.append((CLASSIFICATION, YEAR, rc, ri, cc, ci, "intermediate", float(INTER[r][k])))
        for k, value in enumerate(FINAL[r]):
            if value:
                country, use = COUNTRIES[k // len(FINAL_USES)], FINAL_USES[k % len(FINAL_USES)]
                rows.append((CLASSIFICATION, YEAR, rc, ri, country, use, "final", float(value)))
    return rows


def gross_output_rows() -> list[tuple]:
    return [(CLASSIFICATION, YEAR, c, i, float(x)) for (c, i), x in zip(ROWS, output())]


def _inverse(m: list[list[Fraction]]) -> list[list[Fraction]]:
    """Gauss-Jordan elimination with exact fractions (the matrices here are diagonally dominant)."""
    n = len(m)
    work = [row[:] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(m)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if work[r][col] != 0)
        work[col], work[pivot] = work[pivot], work[col]
        p = work[col][col]
        work[col] = [value / p for value in work[col]]
        for r in range(n):
            if r != col and work[r][col] != 0:
                factor = work[r][col]
                work[r] = [a - factor * b for a, b in zip(work[r], work[col])]
    return [row[n:] for row in work]


def _times(m: list[list[Fraction]], vector: list[Fraction]) -> list[Fraction]:
    return [sum((a * b for a, b in zip(row, vector)), Fraction(0)) for row in m]


class Expected:
    """Every number of the value-added tables and marts for the example, exactly."""

    def __init__(self) -> None:
        x = output()
        self.a = [[Fraction(INTER[r][k]) / x[k] for k in range(N)] for r in range(N)]
        self.v = [1 - sum(self.a[r][k] for r in range(N)) for k in range(N)]
        self.leontief = _inverse([[Fraction(int(r == k)) - self.a[r][k] for k in range(N)] for r in range(N)])
        width = len(FINAL_USES)
        self.final = {
            c: [Fraction(sum(FINAL[r][ci * width:(ci + 1) * width])) for r in range(N)] for ci, c in enumerate(COUNTRIES)
        }
        self.final_domestic = {c: [f if ROWS[r][0] == c else Fraction(0) for r, f in enumerate(self.final[c])] for c in COUNTRIES}
        self.exports = {c: [self._sales_abroad(r) if ROWS[r][0] == c else Fraction(0) for r in range(N)] for c in COUNTRIES}

    def _sales_abroad(self, r: int) -> Fraction:
        country = ROWS[r][0]
        intermediate = sum(INTER[r][k] for k in range(N) if ROWS[k][0] != country)
        final = sum(FINAL[r][k] for k in range(len(FINAL[r])) if COUNTRIES[k // len(FINAL_USES)] != country)
        return Fraction(intermediate + final)

    def embodied(self, demand: list[Fraction]) -> dict[tuple[str, str], Fraction]:
        """v ⊙ (L · demand) by origin (country, industry)."""
        return {ROWS[r]: self.v[r] * value for r, value in enumerate(_times(self.leontief, demand))}

    def va_final_demand(self, country: str) -> dict[tuple[str, str], Fraction]:
        return self.embodied(self.final[country])

    def va_final_demand_domestic_products(self, country: str) -> dict[tuple[str, str], Fraction]:
        return self.embodied(self.final_domestic[country])

    def va_gross_exports(self, country: str) -> dict[tuple[str, str], Fraction]:
        return self.embodied(self.exports[country])

    def per_unit(self, origin_industry: str, column: tuple[str, str]) -> Fraction:
        """Σ over origin countries s of v(s, i) L[(s, i), column]."""
        k = ROWS.index(column)
        return sum((self.v[r] * self.leontief[r][k] for r in range(N) if ROWS[r][1] == origin_industry), Fraction(0))

    def foreign_share_final_demand(self, country: str) -> Fraction:
        content = self.va_final_demand(country)
        return sum(v for (s, _), v in content.items() if s != country) / sum(content.values())

    def foreign_share_final_demand_via_domestic_products(self, country: str) -> Fraction:
        domestic = self.va_final_demand_domestic_products(country)
        return sum(v for (s, _), v in domestic.items() if s != country) / sum(self.va_final_demand(country).values())

    def foreign_share_gross_exports(self, country: str) -> Fraction:
        content = self.va_gross_exports(country)
        return sum(v for (s, _), v in content.items() if s != country) / sum(content.values())

    def manufacturing_exports(self, country: str) -> Fraction:
        return sum(self.exports[country][ROWS.index((country, j))] for j in MANUFACTURING)

    def services_va_manufacturing_exports(self, country: str) -> Fraction:
        """Services value added, every origin country, in the country's manufacturing gross exports."""
        return sum(
            self.per_unit(i, (country, j)) * self.exports[country][ROWS.index((country, j))]
            for i in SERVICES
            for j in MANUFACTURING
        )
