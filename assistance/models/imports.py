"""Lists received from other agencies, imported row by row (64号 第二十五条): the 乡村振兴 bureau's
monthly list of monitoring households, to be recognised directly (第十五条), and the medical-insurance
bureau's monthly list of new 医保动态监测预警对象, to be checked for assistance."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from assistance.models.base import UTCDateTime, utcnow

PENDING = "pending"
FILED = "filed"
DISMISSED = "dismissed"

RURAL_REVITALISATION = "rural_revitalisation"
MEDICAL_INSURANCE = "medical_insurance"
MEDICAL_ALERT = "medical_alert"
DISABLED_PERSONS_FEDERATION = "disabled_persons_federation"
# 残联衔接: “每季度初将残疾人证注销、更换、新增情况报县区民政局”.
CERTIFICATE_CHANGES = {"issued": "残疾人证新增", "cancelled": "残疾人证注销", "replaced": "残疾人证更换"}


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    county_code: str = Field(max_length=6, index=True)
    filename: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    rows_total: int
    rows_imported: int
    rows_duplicate: int
    # Rows skipped as already imported, with the reason (the report the county keeps).
    report: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    imported_by: int = Field(foreign_key="app_user.id")
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MonitoringReferral(SQLModel, table=True):
    """A person another agency reported, waiting for the township: a monitoring household on the
    乡村振兴 list, to be filed for direct recognition (64号 第十五条、第二十五条 “确保全部纳入低保边缘家庭
    范围”), or a 医保 monitoring alert, to be checked and filed or dismissed with the reason
    (第二十五条 “确保符合条件的对象全部纳入救助范围”)."""

    __tablename__ = "monitoring_referral"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    source: str = Field(default=RURAL_REVITALISATION, max_length=30)
    county_code: str = Field(max_length=6, index=True)
    township_id: int = Field(foreign_key="area.id", index=True)
    village_id: int = Field(foreign_key="area.id")
    name: str = Field(max_length=60)
    id_number: str = Field(max_length=18, index=True)
    category: str = Field(max_length=20)
    identified_on: date
    identified_by: str = Field(max_length=100)
    phone: str = Field(default="", max_length=30)
    # 医保 alerts: why the person was flagged (e.g. 个人自付医疗费用), as the bureau wrote it.
    reason: str = Field(default="", max_length=500)
    status: str = Field(default=PENDING, max_length=10, index=True)
    case_id: int | None = Field(default=None, foreign_key="assistance_case.id")
    dismissed_reason: str = Field(default="", max_length=1000)
    dismissed_by: int | None = Field(default=None, foreign_key="app_user.id")
    dismissed_on: date | None = None
