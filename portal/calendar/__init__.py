"""Working-day calendar (hari kerja, WIB) for SLA due dates, with the default Indonesian holidays."""
from portal.calendar.holidays_id import default_holidays
from portal.calendar.workdays import WORKDAY_END, WORKDAY_START, SlaStatus, WorkCalendar

__all__ = ["WORKDAY_END", "WORKDAY_START", "SlaStatus", "WorkCalendar", "default_holidays"]
