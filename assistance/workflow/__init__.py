"""Each procedure's state machine, declared once (see ``dibao_edge`` and ``illness_poverty``)."""

from assistance.workflow.dibao_edge import WORKFLOW as DIBAO_EDGE
from assistance.workflow.illness_poverty import WORKFLOW as ILLNESS_POVERTY
from assistance.workflow.machine import Transition, Workflow

WORKFLOWS: dict[str, Workflow] = {w.procedure: w for w in (DIBAO_EDGE, ILLNESS_POVERTY)}

__all__ = ["DIBAO_EDGE", "ILLNESS_POVERTY", "WORKFLOWS", "Transition", "Workflow"]
