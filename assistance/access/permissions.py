"""What each role may do, in one table: a permission, the roles that hold it, and what a person
told "no" reads. Every check of a role in the service, the pages and their templates asks this
table (``may``, ``require``); where a row's area matters too, ``access.scopes`` says which rows.

Roles (``models.users``): applicants and their proxies, village (community) committees, township
staff, county civil-affairs staff, administrators.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from assistance.errors import Forbidden
from assistance.models.documents import FOR_APPLICANT, INTERNAL, PUBLIC
from assistance.models.users import ADMIN, APPLICANT, COUNTY, TOWNSHIP, VILLAGE
from assistance.workflow.machine import Transition, Workflow


class HasRole(Protocol):
    @property
    def role(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Permission:
    roles: frozenset[str]
    refusal: str  # what a person without it reads


def _p(refusal: str, *roles: str) -> Permission:
    return Permission(frozenset(roles), refusal)


STAFF: Final = (VILLAGE, TOWNSHIP, COUNTY)

# fmt: off
PERMISSIONS: Final[Mapping[str, Permission]] = {
    # Applications (64号 第十七条, 65号 第十一条).
    "file_application": _p("您的角色不能登记申请", APPLICANT, VILLAGE, TOWNSHIP),
    # Staff who enter an application for a household of their own area.
    "file_for_households": _p("您的角色不能为家庭登记申请", VILLAGE, TOWNSHIP),
    # An account bound to the ID number it registered with: it files as ``self`` only for the
    # household whose applicant that is, and for anyone else as a proxy (64号 第十七条).
    "bound_to_registered_id_number": _p("", APPLICANT),
    # A village committee enters an application as the household's proxy (委托村（居）民委员会).
    "file_as_village_committee": _p("", VILLAGE),
    # 64号 第十五条: households on the 乡村振兴 monitoring list.
    "file_from_referral": _p("名单对象由乡镇（街道）或村（居）委会登记申请", TOWNSHIP, VILLAGE),
    # The applicant's or proxy's own view of what they filed.
    "follow_own_applications": _p("", APPLICANT),
    # Pages and fields for the people who work on cases.
    "work_queue": _p("您的角色不能使用此页面", *STAFF),
    "read_engine_decisions": _p("只有工作人员可以查看规则引擎的评估", *STAFF),
    # Who objected in a publicity and what they said, and real-name reports on the case: never
    # the applicant's to read (64号 第三十条: a reporter's identity is kept confidential).
    "read_objection_sources": _p("", VILLAGE, TOWNSHIP, COUNTY, ADMIN),
    "enter_staff_fields": _p("", VILLAGE, TOWNSHIP, COUNTY, ADMIN),
    "read_statistics": _p("只有乡镇（街道）、县级工作人员和系统管理员可以查看统计",
                          TOWNSHIP, COUNTY, ADMIN),
    # 64号 第二十六条.
    "review_rechecks": _p("只有乡镇（街道）、县级工作人员和系统管理员可以查看定期核查",
                          TOWNSHIP, COUNTY, ADMIN),
    # 64号 第三十二条, 65号 第二十六条: the county confirms by its own power, a township only
    # under delegation.
    "confirm_by_own_power": _p("", COUNTY),
    # Documents: correcting one issues a new version.
    # 一户一档 (64号 第二十八条, 65号 第二十条): the case's whole file in one archive.
    "export_case_archives": _p("只有乡镇（街道）和县级民政部门工作人员可以下载一户一档", TOWNSHIP, COUNTY),
    "correct_documents": _p("只有本案所在乡镇（街道）或县级民政部门的工作人员可以更正文书", TOWNSHIP, COUNTY),
    # 64号 第二十五条, 65号 第十七条: lists to the 医保 bureau and the 残联.
    "send_agency_lists": _p("名单由县级民政部门报送，只有县级工作人员可以生成", COUNTY),
    "import_agency_lists": _p("其他部门报送的名单由县级民政部门导入", COUNTY),
    # Families recognised before the service, brought in so that their rechecks run here.
    "import_recognised_families": _p("已认定家庭由县级民政部门导入", COUNTY),
    "read_referrals": _p("只有乡镇（街道）、县级民政部门工作人员可以查看监测户名单", TOWNSHIP, COUNTY, ADMIN),
    "see_referral_page": _p("您的角色不能使用此页面", VILLAGE, TOWNSHIP, COUNTY, ADMIN),
    "dismiss_referrals": _p("只有乡镇（街道）工作人员可以办结名单对象", TOWNSHIP),
    # Real-name reports (64号 第三十条, 65号 第二十三条).
    "handle_reports": _p("只有乡镇（街道）、县级民政部门工作人员可以办理举报", TOWNSHIP, COUNTY, ADMIN),
    "check_reports": _p("", TOWNSHIP, COUNTY),
    "verify_reports_of_others": _p("举报已分派给他人核查", COUNTY),
    # Batch work over a county's cases.
    "run_batch_jobs": _p("只有本县民政部门工作人员可以对本县案件运行批量测算", COUNTY, ADMIN),
    # Population screening (what-ifs, 标准测算) over a county's households, or every county's.
    "run_screening": _p("只有县级民政部门工作人员和系统管理员可以进行人群测算", COUNTY, ADMIN),
    # Reference data and accounts.
    "enter_parameters": _p("只有系统管理员和县级民政部门工作人员可以录入参数", ADMIN, COUNTY),
    # An entry effective before the day it is entered reaches back over cases in progress: an
    # administrator other than the person who entered it approves it.
    # Sign-ins, lockouts, password changes and administrator acts (assistance/security_log.py).
    "read_security_log": _p("只有系统管理员可以查看安全日志", ADMIN),
    "approve_parameter_entries": _p("只有系统管理员可以批准追溯施行的参数", ADMIN),
    "manage_accounts": _p("只有系统管理员可以管理账号", ADMIN),
    "manage_areas": _p("只有系统管理员可以维护行政区划", ADMIN),
    "load_holidays": _p("只有系统管理员可以录入节假日安排", ADMIN),
    # Scheduled work (assistance/schedules): switched per county by the administrator.
    "manage_schedules": _p("只有系统管理员可以开关定时任务", ADMIN),
    "read_digests": _p("只有乡镇（街道）和县级民政部门工作人员可以查看每日提醒", TOWNSHIP, COUNTY),
}
# fmt: on

# Who may change the household facts, in which states: the applicant until acceptance, staff
# while the facts are still being checked; "recognised": the township brings the household up to
# date for a periodic recheck (64号 第二十六条).
HOUSEHOLD_EDITING: Final[Mapping[str, tuple[str, ...]]] = {
    APPLICANT: ("filed", "awaiting_materials"),
    VILLAGE: ("filed", "awaiting_materials", "investigation"),
    TOWNSHIP: (
        "filed",
        "awaiting_materials",
        "accepted",
        "information_check",
        "investigation",
        "recheck",
        # 64号 第二十二条: the democratic appraisal may find the investigation's results untrue or
        # incomplete; the township corrects them before its initial opinion.
        "appraisal",
        "initial_opinion",
        "recognised",
    ),
    # 64号 第二十三条, 65号 第十七条: the county's review (with its own home visit) may correct the
    # facts it decides on.
    COUNTY: ("county_review",),
}

# Which documents of a case each role reads, by their audience (``documents.issuing``): the
# applicant or proxy who filed, and the village committee that posts the publicity and helps
# applicants, read what is addressed to the applicant and what was publicised; staff read the
# internal forms too.
DOCUMENT_AUDIENCES: Final[Mapping[str, tuple[str, ...]]] = {
    APPLICANT: (FOR_APPLICANT, PUBLIC),
    VILLAGE: (FOR_APPLICANT, PUBLIC),
    TOWNSHIP: (FOR_APPLICANT, PUBLIC, INTERNAL),
    COUNTY: (FOR_APPLICANT, PUBLIC, INTERNAL),
    ADMIN: (FOR_APPLICANT, PUBLIC, INTERNAL),
}


def may(actor: HasRole | None, permission: str) -> bool:
    return actor is not None and actor.role in PERMISSIONS[permission].roles


def role_holds(role: str, permission: str) -> bool:
    """Whether a role (not yet anyone's: an account being made or given a new role) holds it."""
    return role in PERMISSIONS[permission].roles


def require(actor: HasRole, permission: str) -> None:
    """Refuse (403, in Chinese) an actor without ``permission``."""
    if not may(actor, permission):
        raise Forbidden(PERMISSIONS[permission].refusal or "没有权限")


def holders(permission: str) -> tuple[str, ...]:
    """The roles holding ``permission``, for a query over accounts."""
    return tuple(sorted(PERMISSIONS[permission].roles))


def household_editable_states(actor: HasRole) -> tuple[str, ...]:
    return HOUSEHOLD_EDITING.get(actor.role, ())


def may_edit_household(actor: HasRole, state: str) -> bool:
    return state in household_editable_states(actor)


def reads_audience(actor: HasRole, audience: str) -> bool:
    return audience in DOCUMENT_AUDIENCES.get(actor.role, ())


def role_fires(role: str, workflow: Workflow, transition: Transition, delegated: bool) -> bool:
    """Whether ``role`` fires ``transition``: the workflow table's roles, with the township's
    under the county's delegation."""
    return role in workflow.roles_for(transition, delegated)


def may_fire(actor: HasRole, workflow: Workflow, transition: Transition, delegated: bool) -> bool:
    return role_fires(actor.role, workflow, transition, delegated)


__all__ = [
    "DOCUMENT_AUDIENCES",
    "HOUSEHOLD_EDITING",
    "PERMISSIONS",
    "STAFF",
    "HasRole",
    "Permission",
    "holders",
    "household_editable_states",
    "may",
    "may_edit_household",
    "may_fire",
    "reads_audience",
    "require",
    "role_fires",
]
