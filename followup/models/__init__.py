"""The data model. Every table of the application is imported here."""

from .plan import Level, NodeType, Phase, Plan, Scale, Unit
from .node import Node
from .followup import Followup, FollowupRevision, FollowupState
from .internal_control import ControlPoint, ControlResult, ControlResultRevision, InternalControl
from .figures import FigureRow, FigureTable, FigureTableRevision
from .memo import Appendix, Memo, MemoSignoff, MemoState, Section, SignedFile
from .user import ApiToken, Role, UnitMembership, User
from .notification import Notification, NotificationOptOut

__all__ = [
    "ApiToken", "Appendix", "ControlPoint", "ControlResult", "ControlResultRevision", "FigureRow",
    "FigureTable", "FigureTableRevision", "Followup", "InternalControl", "FollowupRevision",
    "FollowupState", "Level", "Memo", "MemoSignoff", "MemoState", "Node", "Notification",
    "NotificationOptOut", "NodeType", "Phase", "Plan", "Role", "Scale", "Section", "SignedFile",
    "Unit", "UnitMembership", "User",
]
