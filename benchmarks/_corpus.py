"""The seeded synthetic corpus the benchmarks share: news-like articles in our own sentences.

``place_names`` picks the region's cities from the gazetteer index; ``article`` writes one
article of about 4 KB (``bench_scale``, ``bench_merge``); ``write_corpus`` a folder of them.
"""

from __future__ import annotations

import random
from pathlib import Path

SENTENCES = [
    "Officials in {a} said the {proj} would link {b} with {c} by {year}.",
    "The {proj} carried {n} million tonnes of freight last year, the operator in {a} said.",
    "A delegation from {a} arrived in {b} on {month} {day} to talk about the {proj}.",
    "Trade between {country} and China reached ${n} billion in {year}, up {pct} percent.",
    "Work on the {proj} near {a} started in {year}, and crews from {b} are now laying track.",
    "{person}, who studies logistics in {a}, said a route through {b} would save days to {c}.",
    "On the road from {a} to {b}, lorries wait for days at the border post.",
    "Engineers expect the {a}-{b}-{c} railway to cost ${n} billion, the ministry said.",
    "Gas from {country} moves through the {proj} to {a}, where it joins the national grid.",
    "{person} met ministers in {a} and promised fresh money for factories in {b}.",
    "Farmers near {a} hope the new line will bring cheaper fertiliser from {b}.",
    "The mayor of {a} told reporters that warehouses by the station are already full.",
    "Freight rates between {a} and {b} fell by {pct} percent after the second track opened.",
    "Bankers in {a} said the loan for the {proj} would be repaid over {n} years.",
    "A summit in {a} in {month} {year} ended with a statement on transport and energy.",
    "Customs officers in {b} now clear a train from {a} in under {n} hours.",
]
PROJECTS = [
    "Central Asia-China gas pipeline",
    "China-Kyrgyzstan-Uzbekistan railway",
    "Middle Corridor",
    "Khorgos dry port",
    "China-Kazakhstan crude oil pipeline",
    "Western Europe-Western China highway",
    "new logistics hub",
    "cross-border power line",
]
COUNTRIES = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan", "Azerbaijan"]
PEOPLE = ["Wang Yi", "Nurlan Bekov", "Mary Johnson", "Aziz Karimov", "Li Qiang", "Dina Sadykova"]
MONTHS = ["January", "March", "May", "June", "September", "November"]
ARTICLE_BYTES = 4000


def place_names() -> list[str]:
    """Cities of the region with 20,000 people or more, from the gazetteer index."""
    from etl.places.gazetteer import load_cities

    index = load_cities()._index
    region = {"KAZ", "KGZ", "TJK", "TKM", "UZB", "CHN", "AZE", "GEO", "TUR", "RUS"}
    rows = [
        i
        for i in range(len(index.gid))
        if index.iso3[3 * i : 3 * i + 3] in region and index.pop[i] >= 20_000
    ]
    return sorted({index.city_name[i] for i in rows})


def article(rng: random.Random, names: list[str], k: int) -> str:
    year = rng.randint(2010, 2026)
    lines = [
        f"Title: Report {k}",
        f"Date: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "",
    ]
    size = 0
    paragraph: list[str] = []
    while size < ARTICLE_BYTES:
        a, b, c = rng.sample(names, 3)
        s = rng.choice(SENTENCES).format(
            a=a,
            b=b,
            c=c,
            proj=rng.choice(PROJECTS),
            year=rng.randint(2005, 2026),
            n=rng.randint(2, 90),
            pct=rng.randint(2, 40),
            country=rng.choice(COUNTRIES),
            person=rng.choice(PEOPLE),
            month=rng.choice(MONTHS),
            day=rng.randint(1, 28),
        )
        paragraph.append(s)
        size += len(s.encode()) + 1
        if len(paragraph) >= rng.randint(3, 5):
            lines.append(" ".join(paragraph))
            lines.append("")
            paragraph = []
    lines.append(" ".join(paragraph))
    return "\n".join(lines) + "\n"


def write_corpus(directory: Path, n: int, seed: int, names: list[str]) -> int:
    rng = random.Random(seed)
    total = 0
    for k in range(n):
        sub = directory / f"{k // 1000:03d}"
        sub.mkdir(exist_ok=True)
        data = article(rng, names, k).encode()
        (sub / f"a{k:06d}.txt").write_bytes(data)
        total += len(data)
    return total
