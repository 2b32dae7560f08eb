"""The tables of the emergencies module: cases (``cases``), the solidarity network's
help requests and offers (``network``), and community alerts (``alerts``)."""

from .alerts import AlertAnswer, AlertText, CommunityAlert
from .cases import (
    ALLOWED_ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    URGENCY_GUIDANCE,
    URGENCY_RANK,
    Attachment,
    Case,
    CaseAccess,
    CaseEvent,
    CaseSettings,
    Category,
    DutyShift,
    FollowUp,
    PrivateStorage,
    Referral,
    Urgency,
    _attachment_path,
    private_storage,
)
from .network import Debrief, HelpRequest, NetworkSettings, Offer, RequestKind

__all__ = [
    "ALLOWED_ATTACHMENT_TYPES",
    "MAX_ATTACHMENT_BYTES",
    "URGENCY_GUIDANCE",
    "URGENCY_RANK",
    "AlertAnswer",
    "AlertText",
    "Attachment",
    "Case",
    "CaseAccess",
    "CaseEvent",
    "CaseSettings",
    "Category",
    "CommunityAlert",
    "Debrief",
    "DutyShift",
    "FollowUp",
    "HelpRequest",
    "NetworkSettings",
    "Offer",
    "PrivateStorage",
    "Referral",
    "RequestKind",
    "Urgency",
    "_attachment_path",
    "private_storage",
]
