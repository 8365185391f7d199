"""The database models. Importing this package registers every table with SQLModel's metadata."""

from assistance.models.areas import Area
from assistance.models.cases import Case, CaseDeadline, CaseNumberCounter
from assistance.models.documents import ArchiveExport, DocumentNumberCounter, IssuedDocument
from assistance.models.households import Household, Member
from assistance.models.imports import ImportBatch, MonitoringReferral
from assistance.models.jobs import BatchJob, BatchJobChunk, BatchJobItem, TaskFailure
from assistance.models.parameter_entries import ParameterEntry, SecurityEvent
from assistance.models.rechecks import PeriodicRecheck
from assistance.models.records import AssetRecord, Evidence, IncomeRecord, MedicalExpenseRecord
from assistance.models.reports import Report
from assistance.models.revisions import ReferenceRevision
from assistance.models.schedules import ScheduleRun, ScheduleSetting, TownshipDigest
from assistance.models.screening import ScreeningChange, ScreeningRun
from assistance.models.steps import (
    Appraisal,
    AuditEvent,
    HolidaySchedule,
    InformationCheck,
    Investigation,
    MaterialNotice,
    Objection,
    Opinion,
    Publicity,
    RulesEvaluation,
    Termination,
)
from assistance.models.users import User

__all__ = [
    "Appraisal",
    "ArchiveExport",
    "Area",
    "AssetRecord",
    "AuditEvent",
    "BatchJob",
    "BatchJobChunk",
    "BatchJobItem",
    "Case",
    "CaseDeadline",
    "CaseNumberCounter",
    "DocumentNumberCounter",
    "Evidence",
    "HolidaySchedule",
    "Household",
    "ImportBatch",
    "IncomeRecord",
    "InformationCheck",
    "Investigation",
    "IssuedDocument",
    "MaterialNotice",
    "MedicalExpenseRecord",
    "Member",
    "MonitoringReferral",
    "Objection",
    "Opinion",
    "ParameterEntry",
    "PeriodicRecheck",
    "Publicity",
    "ReferenceRevision",
    "Report",
    "RulesEvaluation",
    "ScheduleRun",
    "ScheduleSetting",
    "ScreeningChange",
    "ScreeningRun",
    "SecurityEvent",
    "TaskFailure",
    "Termination",
    "TownshipDigest",
    "User",
]
