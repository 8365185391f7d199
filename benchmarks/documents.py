"""Document speed: one notice as PDF, and a long list as PDF and as XLSX.

Run: ``.venv/bin/python benchmarks/documents.py [--rows N] [--repeat N]``.
Targets: one notice under 0.3 s once the renderer is warm; a 1,000-row list under 5 s as PDF and under
1 s as XLSX. Uses templates/documents/sample_notice.html with synthetic households.

A PDF render pauses the cyclic garbage collector (see assistance.documents.render); the collection of
what it leaves is reported separately, as it falls on whatever runs next.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from assistance.documents import DocumentRenderer, write_xlsx
from assistance.documents.agency_lists import MEMBER_COLUMNS
from rules.idnumber import check_character

SAMPLE = "sample_notice.html"
ISSUED = date(2026, 11, 25)
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_COMPOUND = ["欧阳", "司马", "上官", "诸葛", "皇甫"]
_GIVEN = "建国秀英明华丽军芳敏静强磊洋艳勇杰娟涛超霞平刚桂兰玉梅海燕雪红"
_VILLAGES = ["东城村", "西街社区", "解州镇常平村", "北相镇上王村", "龙居镇车盘村", "姚孟街道红旗社区"]


def synthetic_households(count: int, seed: int = 20261125) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    households = []
    for _ in range(count):
        surname = rng.choice(_COMPOUND) if rng.random() < 0.05 else rng.choice(_SURNAMES)
        given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 60 * 365))
        first17 = f"1408{rng.randint(1, 99):02d}{born:%Y%m%d}{rng.randint(0, 999):03d}"
        phone = (
            f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
            if rng.random() < 0.8
            else f"0359-{rng.randint(2_000_000, 8_999_999)}"
        )
        households.append(
            {
                "name": surname + given,
                "id_number": first17 + check_character(first17),
                "phone": phone,
                "size": rng.randint(1, 6),
                "income": Decimal(rng.randint(30_000, 200_000)) / 100,
                "village": rng.choice(_VILLAGES),
            }
        )
    return households


def notice_context(households: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "issuer": "运城市盐湖区民政局",
        "number": "盐民发〔2026〕12号",
        "title": "关于低保边缘家庭认定结果的公示",
        "addressee": "各有关村（社区）",
        "period_start": ISSUED,
        "period_end": ISSUED + timedelta(days=6),
        "threshold": Decimal("1260"),
        "households": households,
        "hotline": "0359-2081234",
        "issued": ISSUED,
        "copy_to": "运城市民政局",
    }


def monthly_list_context(households: list[dict[str, Any]]) -> dict[str, Any]:
    """The real monthly list to the medical-insurance bureau (agency_list.html), one row per member."""
    rows = [
        [i, "新增", h["name"], h["id_number"], "本人", "北城街道", h["village"], ISSUED]
        for i, h in enumerate(households, 1)
    ]
    return {
        "title": "2026年10月低保边缘家庭新增和退出名单",
        "number": "盐民边医〔2026〕11号",
        "version": 1,
        "issued": ISSUED,
        "issuer": "运城市盐湖区民政局",
        "recipient": "运城市盐湖区医疗保障局",
        "copy_to": "运城市民政局",
        "intro": [
            f"根据运民发〔2023〕64号 第二十五条，现将新增低保边缘家庭名单（共{len(rows)}人）报送你局。"
        ],
        "columns": list(MEMBER_COLUMNS),
        "rows": rows,
        "empty": "新增和退出的低保边缘家庭",
        "contact": "",
        "correction": None,
    }


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median seconds of ``function``, and median seconds of the garbage collection after it."""
    runs, collections = [], []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
        start = time.perf_counter()
        gc.collect()
        collections.append(time.perf_counter() - start)
    return statistics.median(runs), statistics.median(collections)


def report(label: str, seconds: float, collection: float | None = None) -> None:
    after = f"  (+{collection:.3f} s collection)" if collection is not None else ""
    print(f"{label:<40} {seconds:7.3f} s{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1000, help="rows of the long list (1000)")
    parser.add_argument("--repeat", type=int, default=10, help="runs of the one-page notice (10)")
    arguments = parser.parse_args()

    renderer = DocumentRenderer()
    one = notice_context(synthetic_households(1))
    long = notice_context(synthetic_households(arguments.rows))
    headers = ["序号", "户主姓名", "身份证号码", "联系电话", "家庭人口", "人均月收入（元）", "村（社区）"]
    rows = [
        [i, h["name"], h["id_number"], h["phone"], h["size"], h["income"], h["village"]]
        for i, h in enumerate(long["households"], 1)
    ]

    start = time.perf_counter()
    renderer.render_pdf(SAMPLE, one, issued=ISSUED)
    report("first notice (WeasyPrint, fonts, CSS)", time.perf_counter() - start)

    notice, notice_gc = timed(lambda: renderer.render_pdf(SAMPLE, one, issued=ISSUED), arguments.repeat)
    report(f"one notice, median of {arguments.repeat}", notice, notice_gc)

    pdf, pdf_gc = timed(lambda: renderer.render_pdf(SAMPLE, long, issued=ISSUED), 3)
    report(f"{arguments.rows}-row list as PDF, median of 3", pdf, pdf_gc)

    xlsx, _ = timed(lambda: write_xlsx("低保边缘家庭认定名单", headers, rows), 5)
    report(f"{arguments.rows}-row list as XLSX, median of 5", xlsx)

    # The list the service issues every month (templates/documents/agency_list.html).
    monthly = monthly_list_context(long["households"])
    monthly_headers = [c["title"] for c in monthly["columns"]]
    real_pdf, real_gc = timed(lambda: renderer.render_pdf("agency_list.html", monthly, issued=ISSUED), 3)
    report(f"{arguments.rows}-row 医保 monthly list as PDF", real_pdf, real_gc)
    real_xlsx, _ = timed(lambda: write_xlsx(monthly["title"], monthly_headers, monthly["rows"]), 5)
    report(f"{arguments.rows}-row 医保 monthly list as XLSX", real_xlsx)

    targets = [
        ("notice < 0.3 s", notice < 0.3),
        ("PDF list < 5 s", max(pdf, real_pdf) < 5),
        ("XLSX list < 1 s", max(xlsx, real_xlsx) < 1),
    ]
    print("targets: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in targets))


if __name__ == "__main__":
    main()
