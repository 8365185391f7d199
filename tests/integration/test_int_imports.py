"""The 乡村振兴 bureau's list of monitoring households (64号 第十五条、第二十五条): imported all or
nothing, row by row, then filed by the township for direct recognition; on both databases."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from integration_support import (
    HUAIDONG,
    ApiClient,
    Clock,
    dibao_edge_household,
    errors,
    illness_poverty_household,
)
from openpyxl import Workbook  # type: ignore[import-untyped]

HEADER = "户主姓名,身份证号码,监测类别,识别日期,识别部门,村（社区）代码,联系电话"
GOOD = [
    f"王建国,140802198003151239,脱贫不稳定户,2025-09-01,盐湖区乡村振兴局,{HUAIDONG},13900000001",
    "赵大山,140802197501011234,突发严重困难户,2025/08/20,盐湖区乡村振兴局,140802101001,",
]


def upload(api: ApiClient, username: str, name: str, content: bytes) -> Any:
    return api.as_(username).post(
        "/api/v1/imports/monitoring-households",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def csv_bytes(lines: list[str], encoding: str = "utf-8-sig") -> bytes:
    return "\n".join([HEADER, *lines]).encode(encoding)


def test_a_good_list_is_imported_and_waits_for_its_townships(api: ApiClient, clock: Clock) -> None:
    response = upload(api, "yanhu", "2025年9月监测户.csv", csv_bytes(GOOD, "gb18030"))
    assert response.status_code == 201, response.json
    assert (response.json or {})["imported"] == 2
    beicheng = api.get("beicheng", "/referrals").json["items"]  # type: ignore[index]
    assert [(r["name"], r["category_name"], r["village_name"]) for r in beicheng] == [
        ("王建国", "脱贫不稳定户", "槐东社区")
    ]
    assert [r["name"] for r in api.get("jiezhou", "/referrals").json["items"]] == ["赵大山"]  # type: ignore[index]
    assert api.get("yongji", "/referrals").json["items"] == []  # type: ignore[index]

    # The same list again: nothing new, each row reported as already imported.
    again = upload(api, "yanhu", "again.csv", csv_bytes(GOOD))
    assert again.status_code == 201 and (again.json or {})["imported"] == 0
    assert [s["reason"] for s in (again.json or {})["skipped"]] == ["已在此前导入的名单中"] * 2

    # The township files the household; the bureau's identification makes it a direct recognition.
    referral = beicheng[0]["id"]
    filed = api.post(
        "beicheng",
        "/cases",
        {"procedure": "dibao_edge", "village": HUAIDONG, "economic_check_authorised": True,
         "commitment_signed": True, "channel": "self", "household": dibao_edge_household(),
         "referral_id": referral},
    )  # fmt: skip
    assert filed.status_code == 201, filed.json
    case = filed.json or {}
    assert case["household"]["monitoring_household"]["category"] == "unstable"
    api.act("beicheng", case["id"], "accept")
    assert api.act("beicheng", case["id"], "refer_direct")["state"] == "county_review"
    assert api.get("beicheng", "/referrals").json["items"] == []  # type: ignore[index]
    done = api.get("beicheng", "/referrals?status=filed").json["items"]  # type: ignore[index]
    assert [(r["id"], r["case_id"]) for r in done] == [(referral, case["id"])]
    twice = api.post(
        "beicheng",
        "/cases",
        {"procedure": "dibao_edge", "village": HUAIDONG, "economic_check_authorised": True,
         "commitment_signed": True, "household": dibao_edge_household(), "referral_id": referral},
    )  # fmt: skip
    assert twice.status_code == 422 and errors(twice.json or {}, "referral_id")
    impossible = api.post(
        "beicheng",
        "/cases",
        {"procedure": "dibao_edge", "village": HUAIDONG, "economic_check_authorised": True,
         "commitment_signed": True, "household": dibao_edge_household(), "referral_id": 2**63},
    )  # fmt: skip
    assert impossible.status_code == 422 and errors(impossible.json or {}, "referral_id")


def test_a_list_with_bad_rows_imports_nothing_and_names_every_problem(api: ApiClient, clock: Clock) -> None:
    lines = [
        GOOD[0],
        "李四,140802198003151238,脱贫不稳定户,2025-09-01,,140802001001,",  # bad check digit
        "王五,140802197501011234,一般农户,2025-13-01,,999999999999,",  # category, date, village
        f"王建国,140802198003151239,边缘易致贫户,2025-09-01,,{HUAIDONG},",  # same person twice
        ",,,,,,",  # blank line: ignored
    ]
    response = upload(api, "yanhu", "bad.csv", csv_bytes(lines))
    assert response.status_code == 422
    body = response.json or {}
    fields = [e["field"] for e in body["errors"]]
    assert fields == [
        "rows[3].id_number",
        "rows[4].category",
        "rows[4].identified_on",
        "rows[4].village",
        "rows[5].id_number",
    ]
    assert "第3行：身份证号码校验位错误" in [e["message"] for e in body["errors"]]
    assert "未导入任何一行" in body["message"]
    assert api.get("yanhu", "/referrals?status=all").json["items"] == []  # type: ignore[index]

    for name, content, message in (
        ("list.txt", b"x", "请上传 .csv 或 .xlsx 文件"),
        ("list.csv", "姓名,电话\n张三,1\n".encode(), "找不到表头"),
        ("list.xlsx", b"not a workbook", "不是有效的 Excel（.xlsx）文件"),
    ):
        refused = upload(api, "yanhu", name, content)
        assert refused.status_code == 422 and message in errors(refused.json or {}, "file")[0]
    for who in ("beicheng", "wangjianguo"):
        assert upload(api, who, "l.csv", csv_bytes(GOOD)).status_code == 403


def test_an_xlsx_list_from_the_bureau_is_read_from_its_header_row(api: ApiClient, clock: Clock) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["盐湖区2025年9月新识别监测对象名单"])
    sheet.append(HEADER.split(","))
    sheet.append(
        ["王建国", "140802198003151239", "脱贫不稳定户", "2025-09-01", "盐湖区乡村振兴局", HUAIDONG, ""]
    )
    out = io.BytesIO()
    book.save(out)
    response = upload(api, "yanhu", "名单.xlsx", out.getvalue())
    assert response.status_code == 201, response.json
    assert (response.json or {})["imported"] == 1


def test_medical_alerts_are_checked_then_filed_or_set_aside_with_a_reason(
    api: ApiClient, clock: Clock
) -> None:
    def alerts(lines: list[str]) -> bytes:
        return "\n".join(["姓名,身份证号码,预警日期,预警原因,村（社区）代码", *lines]).encode("utf-8-sig")

    missing = api.as_("yanhu").post(
        "/api/v1/imports/medical-alerts",
        data={"file": (io.BytesIO(alerts(["陈志强,,2025-09-10,,140802101001"])), "a.csv")},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422 and errors(missing.json or {}, "rows[2].id_number") == [
        "第2行：身份证号码必填"
    ]
    response = api.as_("yanhu").post(
        "/api/v1/imports/medical-alerts",
        data={"file": (io.BytesIO(alerts([
            "刘美华,140802198206111237,2025-09-10,个人自付医疗费用3.6万元,140802101001",
            f"王小明,140802201209011236,2025-09-12,住院自付费用高,{HUAIDONG}",
        ])), "医保预警.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 201, response.json
    jiezhou = api.get("jiezhou", "/referrals").json["items"]  # type: ignore[index]
    assert [(r["name"], r["source"], r["reason"]) for r in jiezhou] == [
        ("刘美华", "medical_insurance", "个人自付医疗费用3.6万元")
    ]

    # The township checks one and files an application of either procedure naming the person.
    household = illness_poverty_household(clock.today)
    filed = api.post(
        "jiezhou",
        "/cases",
        {"procedure": "illness_poverty", "village": "140802101001", "economic_check_authorised": True,
         "commitment_signed": True, "household": household, "referral_id": jiezhou[0]["id"]},
    )  # fmt: skip
    assert filed.status_code == 201, filed.json
    assert "monitoring_household" not in (filed.json or {})["household"]

    # The other is set aside with the reason; a monitoring household never is.
    beicheng = api.get("beicheng", "/referrals").json["items"]  # type: ignore[index]
    no_reason = api.post("beicheng", f"/referrals/{beicheng[0]['id']}/dismiss", {"reason": " "})
    assert no_reason.status_code == 422 and errors(no_reason.json or {}, "reason")
    dismissed = api.post(
        "beicheng", f"/referrals/{beicheng[0]['id']}/dismiss", {"reason": "已享受低保，医疗救助已落实"}
    )
    assert dismissed.status_code == 200 and (dismissed.json or {})["status"] == "dismissed"
    assert api.get("beicheng", "/referrals").json["items"] == []  # type: ignore[index]
    upload(api, "yanhu", "m.csv", csv_bytes(GOOD[:1]))
    monitoring = api.get("beicheng", "/referrals").json["items"][0]  # type: ignore[index]
    refused = api.post("beicheng", f"/referrals/{monitoring['id']}/dismiss", {"reason": "x"})
    assert refused.status_code == 409


def test_disability_certificate_changes_point_the_township_at_the_cases_they_touch(
    api: ApiClient, clock: Clock
) -> None:
    cid = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household())["id"])
    content = "\n".join([
        "姓名,身份证号码,变更类型,变更日期,残疾类别及等级,村（社区）代码",
        f"王小明,140802201209011236,新增,2025-09-01,肢体三级,{HUAIDONG}",
        f"李某,140802197501011234,残疾人证撤销,2025-09-01,,{HUAIDONG}",
    ]).encode("utf-8-sig")  # fmt: skip
    bad = api.as_("yanhu").post(
        "/api/v1/imports/disability-changes",
        data={"file": (io.BytesIO(content), "残联.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert errors(bad.json or {}, "rows[3].category") == [
        "第3行：变更类型应为残疾人证新增、残疾人证注销、残疾人证更换"
    ]
    good = api.as_("yanhu").post(
        "/api/v1/imports/disability-changes",
        data={"file": (io.BytesIO(content.replace("残疾人证撤销".encode(), "注销".encode())), "残联.csv")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 201 and (good.json or {})["imported"] == 2
    items = api.get("beicheng", "/referrals").json["items"]  # type: ignore[index]
    touched = next(r for r in items if r["name"] == "王小明")
    assert (touched["category_name"], touched["reason"]) == ("残疾人证新增", "肢体三级")
    assert [c["id"] for c in touched["cases"]] == [cid]
    other = next(r for r in items if r["name"] == "李某")
    assert other["cases"] == [] and other["category_name"] == "残疾人证注销"
    checked = api.post(
        "beicheng", f"/referrals/{touched['id']}/dismiss", {"reason": "已在案件中更新成员残疾情况"}
    )
    assert checked.status_code == 200


def _bomb(unpacked_mb: int) -> bytes:
    """A workbook whose one sheet unpacks to ``unpacked_mb`` megabytes of blank XML."""
    workbook = io.BytesIO()
    Workbook().save(workbook)
    source = zipfile.ZipFile(io.BytesIO(workbook.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            if member.filename.endswith("sheet1.xml"):
                bomb.writestr(
                    member.filename, b"<worksheet>" + b" " * (unpacked_mb * 1024 * 1024) + b"</worksheet>"
                )
            else:
                bomb.writestr(member, source.read(member))
    return out.getvalue()


def test_the_role_is_checked_before_the_file_is_read(api: ApiClient) -> None:
    for who in ("wangjianguo", "beicheng"):
        response = upload(api, who, "list.xlsx", b"PK\x03\x04 not a workbook at all")
        assert response.status_code == 403, response.json


def test_a_workbook_that_unpacks_too_far_is_refused_before_it_is_parsed(api: ApiClient) -> None:
    bomb = _bomb(100)
    assert len(bomb) < 1024 * 1024  # a small file
    response = upload(api, "yanhu", "list.xlsx", bomb)
    assert response.status_code == 422
    assert errors(response.json or {}, "file")[0].startswith("表格解压后过大")


def test_workbooks_are_parsed_without_entity_expansion() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML and openpyxl.xml.defusedxml_available()
