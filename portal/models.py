"""Imports every area's models so that metadata (create_all, Alembic) sees all tables."""
from portal.accounts.models import LoginAttempt, Organisation, User, UserRole, UserSession  # noqa: F401
from portal.audit.models import AuditEntry  # noqa: F401
from portal.calendar.models import Holiday  # noqa: F401
from portal.correspondence.sla_index import LetterIndex  # noqa: F401
from portal.correspondence.letter_tally import LetterTally  # noqa: F401
from portal.cases.models import Case, CaseEvent, CaseItem, DocumentVersion, WorkItem  # noqa: F401
from portal.correspondence.models import DispositionRecord  # noqa: F401
from portal.forms.models import StepFormDraft  # noqa: F401
from portal.assessment.models import (  # noqa: F401
    Apl01, Apl01Evidence, Apl02, Apl02Answer, Participant, Person, Scheme, SchemeElement, SchemeUnit,
)
from portal.licensing.models import (  # noqa: F401
    ApresiasiMinutes, FindingAnswer, LksFinding, LksReport, Requirement, RequirementCheck, RequirementFile,
    LicenceStatusChange, PlenoRecord, TeamAssignment,
)
from portal.mail.models import OutgoingMail  # noqa: F401
from portal.numbering.models import NumberReservation, NumberSeries, NumberVoid, SeriesDefinition  # noqa: F401
from portal.signing.models import SignatureRequest, SigningBatch, SigningCredential  # noqa: F401
from portal.verification.models import RateLimitCounter  # noqa: F401
from portal.notifications.models import Notification, NotificationPreference, ReminderLog  # noqa: F401
