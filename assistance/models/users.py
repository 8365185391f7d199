"""People who sign in: applicants and proxies, village committees, township and county staff,
administrators."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from assistance.models.base import UTCDateTime, utcnow

APPLICANT = "applicant"
VILLAGE = "village"
TOWNSHIP = "township"
COUNTY = "county"
ADMIN = "admin"
ROLES = {
    APPLICANT: "申请人或代理人",
    VILLAGE: "村（居）民委员会",
    TOWNSHIP: "乡镇（街道）工作人员",
    COUNTY: "县级民政部门工作人员",
    ADMIN: "系统管理员",
}
STAFF_ROLES = frozenset({VILLAGE, TOWNSHIP, COUNTY})


# One applicant account per person: the ID number an applicant registers with binds the account
# to the household it may file for as ``self`` (cases.filing).
_ONE_ACCOUNT_PER_APPLICANT = "role = 'applicant' AND id_number <> ''"


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (
        sa.Index(
            "ix_app_user_applicant_id_number",
            "id_number",
            unique=True,
            postgresql_where=sa.text(_ONE_ACCOUNT_PER_APPLICANT),
            sqlite_where=sa.text(_ONE_ACCOUNT_PER_APPLICANT),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    display_name: str = Field(max_length=60)
    role: str = Field(max_length=12, index=True)
    # The area a staff member works in; empty for applicants and administrators.
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    phone: str = Field(default="", max_length=20)
    # An applicant's own ID number, which binds the account to the household it files for.
    id_number: str = Field(default="", max_length=18)
    active: bool = Field(default=True)
    # Every session of the account carries the epoch it was signed in at; signing out, a password
    # change and deactivation move it on, which ends every session, copies of the cookie included.
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Failed sign-ins since the last good one; past a few the account is locked for a while.
    failed_sign_ins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set when an administrator resets the password: nothing but changing it is allowed until then.
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
