"""Made-up areas for the simulated partners: LSOAs, wards and postcode districts in York and North Yorkshire.

Codes have the real shapes (E01 + 6 digits...) and names the real style ('Harrogate 014B'), but the areas are
invented: everything here is generated demonstration data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AUTHORITIES = (
    # code, name, towns (LSOA name stems), postcode districts, lat range, lon range, share of LSOAs
    ("E06000014", "York", ("York",), ("YO1", "YO10", "YO23", "YO24", "YO26", "YO30", "YO31", "YO32"),
     (53.93, 54.00), (-1.15, -1.01), 0.3),
    ("E06000065", "North Yorkshire", ("Harrogate", "Scarborough", "Selby", "Richmondshire", "Craven", "Ryedale",
     "Hambleton"), ("HG1", "HG2", "HG3", "YO11", "YO12", "YO21", "YO8", "DL6", "DL8", "DL10", "BD23", "YO17", "YO7"),
     (53.72, 54.55), (-2.45, -0.40), 0.7),
)  # fmt: skip


@dataclass(frozen=True)
class Area:
    lsoa_code: str
    lsoa_name: str
    ward_code: str
    ward_name: str
    la_code: str
    la_name: str
    district: str
    lat: float
    lon: float
    imd_rank: int
    weight: float  # how busy the area is (population and footfall), for drawing events


def make_areas(rng: np.random.Generator, count: int = 300) -> list[Area]:
    areas: list[Area] = []
    serial = 0
    for la_code, la_name, towns, districts, lat, lon, share in AUTHORITIES:
        n = int(round(count * share))
        for i in range(n):
            town = towns[i % len(towns)]
            ward_number = i // 6
            serial += 1
            areas.append(
                Area(
                    lsoa_code=f"E0102{7000 + serial:04d}",
                    lsoa_name=f"{town} {1 + i // 4:03d}{'ABCD'[i % 4]}",
                    ward_code=f"E0501{4000 + serial // 6:04d}",
                    ward_name=f"{town} Ward {ward_number + 1}",
                    la_code=la_code,
                    la_name=la_name,
                    district=districts[int(rng.integers(len(districts)))],
                    lat=round(float(rng.uniform(*lat)), 6),
                    lon=round(float(rng.uniform(*lon)), 6),
                    imd_rank=int(rng.integers(1, 32845)),
                    weight=float(rng.lognormal(0, 0.8)),
                )
            )
    return areas


def pick(rng: np.random.Generator, areas: list[Area], n: int) -> list[Area]:
    """Areas for n events, busier areas more often."""
    weights = np.array([a.weight for a in areas])
    return [areas[i] for i in rng.choice(len(areas), size=n, p=weights / weights.sum())]


def postcode(rng: np.random.Generator, district: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{district} {rng.integers(1, 10)}{letters[rng.integers(20)]}{letters[rng.integers(20)]}"
