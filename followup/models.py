"""The data model. Every table of the application is imported here."""

from followup.core.rendered import RenderedFile
from followup.followups.models.followup import Followup, FollowupRevision, FollowupState
from followup.followups.models.internal_control import (
    ControlPoint, ControlResult, ControlResultRevision, InternalControl,
)
from followup.memos.models import Appendix, Memo, MemoSignoff, MemoState, Section, SignedFile
from followup.notify.models import Notification, NotificationOptOut
from followup.people.models import ApiToken, Role, UnitMembership, User
from followup.plans.models.node import Node
from followup.plans.models.plan import Level, NodeType, Phase, Plan, Scale, Unit
from followup.tables.models import FigureRow, FigureTable, FigureTableRevision

__all__ = [
    "ApiToken", "Appendix", "ControlPoint", "ControlResult", "ControlResultRevision", "FigureRow",
    "FigureTable", "FigureTableRevision", "Followup", "InternalControl", "FollowupRevision",
    "FollowupState", "Level", "Memo", "MemoSignoff", "MemoState", "Node", "Notification",
    "NotificationOptOut", "NodeType", "Phase", "Plan", "RenderedFile", "Role", "Scale", "Section", "SignedFile",
    "Unit", "UnitMembership", "User",
]
