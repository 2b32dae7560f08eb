"""The tables of the training module: courses, their sessions, enrolments and
attendance (``courses``); support groups and their meetings (``groups``); awareness and
advocacy campaigns and the materials library (``campaigns``)."""

from .campaigns import Campaign, CampaignAction, Material, MaterialFile
from .courses import (
    CalendarToken,
    Course,
    CourseCompletion,
    Enrolment,
    Session,
    Topic,
)
from .groups import GroupMeeting, GroupMembership, GroupNote, GroupNotice, SupportGroup

__all__ = [
    "CalendarToken",
    "Campaign",
    "CampaignAction",
    "Course",
    "CourseCompletion",
    "Enrolment",
    "GroupMeeting",
    "GroupMembership",
    "GroupNote",
    "GroupNotice",
    "Material",
    "MaterialFile",
    "Session",
    "SupportGroup",
    "Topic",
]
