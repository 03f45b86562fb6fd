"""Charts of survey results, drawn on the server (``workplan.core.charts``) from the same rows
the tables show."""

from __future__ import annotations

from django.utils.translation import gettext as _

from workplan.core.charts import bar_chart

from .models import Question
from .presets import EVALUATION_CODES, EVALUATION_LABELS

MEMBER_BARS = 40


def question_chart(item):
    """The distribution of one question's answers (None for numbers and text)."""
    question = item.question
    if not item.n:
        return None
    if question.kind == Question.Kind.RATING:
        return bar_chart([(row.label, row.count, None) for row in item.rows],
                         title=_("Answers by rating (n = %(n)d)") % {"n": item.n},
                         orientation="vertical", width=420)
    if question.kind == Question.Kind.RANKING:
        rows = [row for row in item.rows if row.count][:15]
        return bar_chart([(row.label, row.score, None) for row in rows],
                         title=_("Ranking score (first place counts most)"),
                         value_format="{:,.0f}")
    if question.kind in Question.CHOICE_KINDS:
        return bar_chart([(row.label, row.share or 0, None) for row in item.rows],
                         title=_("Share of the %(n)d answers") % {"n": item.n}, unit="%",
                         max_value=100, value_format="{:,.0f}")
    return None


def member_rate_chart(members):
    rows = [m for m in members if m.member is not None and m.invited][:MEMBER_BARS]
    if not rows:
        return None
    return bar_chart([(m.member.name, m.rate, None) for m in rows],
                     title=_("Response rate by member"), unit="%", max_value=100,
                     highlight={m.member.name for m in rows if not m.responded})


def evaluation_chart(groups, title: str):
    """Mean overall rating of each group."""
    rows = [g for g in groups if g.n.get("overall")]
    if not rows:
        return None
    return bar_chart([(g.label, g.means["overall"], None) for g in rows], title=title,
                     max_value=5, value_format="{:,.2f}")


def criteria_chart(total):
    if total is None:
        return None
    return bar_chart([(str(EVALUATION_LABELS[c]), total.means[c], None)
                      for c in EVALUATION_CODES if total.n[c]],
                     title=_("Mean rating by criterion (1-5)"), max_value=5,
                     value_format="{:,.2f}")
