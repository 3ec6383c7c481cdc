"""Import every model so the metadata (and Alembic) sees all tables."""

from .audit.models import AuditEvent
from .auth.models import Role, User, user_roles
from .directory.models import Agency, Field, Procedure
from .plans.models import Survey, SurveyScope

__all__ = ["AuditEvent", "Role", "User", "user_roles", "Agency", "Field", "Procedure",
           "Survey", "SurveyScope"]
