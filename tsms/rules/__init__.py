"""Time rules: working days, periods and deadlines. Pure functions, no database, no clock.

Sources (see SPEC §3):

* 《中华人民共和国民法典》 第二百零一条: a period counted in days (or months, years) does not
  count the day on which it starts; it is counted from the next day.
* 第二百零二条: a period counted in months or years ends on the corresponding day of the
  last month; with no such day, on that month's last day.
* 第二百零三条: when the last day of a period is a statutory rest day (法定休假日), the day
  after the rest day ends is the last day; the last day ends at 24:00.
* 第二百零四条: these rules apply unless a law or the parties say otherwise.
* 国务院办公厅关于部分节假日安排的通知 (yearly): weekends are rest days except the announced
  make-up working days (调休上班); announced holidays and substituted days off are rest days.

A deadline is the last day on which the step is still on time (Taskwarrior's lesson, its
issue #111): a step is late when its deadline is *before* the day being looked at.

The rules are split by subject: :mod:`calendar` (working days), :mod:`periods` (民法典
arithmetic), :mod:`deadlines` (the deadline table) and :mod:`warranty` (第四十条); this
package gathers their names, so ``rules.add_working_days`` reads as before.
"""

from tsms.rules.calendar import *  # noqa: F401,F403
from tsms.rules.calendar import __all__ as _calendar
from tsms.rules.deadlines import *  # noqa: F401,F403
from tsms.rules.deadlines import __all__ as _deadlines
from tsms.rules.periods import *  # noqa: F401,F403
from tsms.rules.periods import __all__ as _periods
from tsms.rules.warranty import *  # noqa: F401,F403
from tsms.rules.warranty import __all__ as _warranty

__all__ = [*_calendar, *_periods, *_deadlines, *_warranty]
