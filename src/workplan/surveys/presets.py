"""The ready templates of each survey kind: the questions a new survey starts with.

Staff edit them while the survey is a draft. The codes ("overall", "relevance", "apply",
"actions_taken", ...) stay the same across surveys so that results can be compared across
events and years and the KPIs can find the questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    kind: str
    text: str
    hint: str = ""
    required: bool = True
    choices: tuple = ()
    scale_max: int = 5
    rank_limit: int | None = None


@dataclass(frozen=True)
class Preset:
    title: str  # with {event} / {year} placeholders
    intro: str
    questions: tuple[QuestionSpec, ...] = field(default_factory=tuple)


RATING_HINT = _("1 = very poor, 5 = excellent")

EVALUATION = Preset(
    title=_("Evaluation: {event}"),
    intro=_("Thank you for taking part in this workshop. Your answers help us improve the "
            "next ones; they take about three minutes."),
    questions=(
        QuestionSpec("overall", "rating", _("Overall, how satisfied are you with the workshop?"),
                     RATING_HINT),
        QuestionSpec("relevance", "rating", _("How relevant was the workshop to your work?"),
                     RATING_HINT),
        QuestionSpec("content", "rating", _("How would you rate the content?"), RATING_HINT),
        QuestionSpec("speakers", "rating", _("How would you rate the speakers and experts?"),
                     RATING_HINT),
        QuestionSpec("organisation", "rating",
                     _("How would you rate the organisation and logistics?"), RATING_HINT),
        QuestionSpec("apply", "text", _("What will you apply in your work after this workshop?")),
        QuestionSpec("comments", "text", _("Any other comments or suggestions?"),
                     required=False),
    ),
)

FOLLOWUP = Preset(
    title=_("Follow-up: {event}"),
    intro=_("Some months ago you took part in this workshop. Tell us what your administration "
            "has done since: your answers show which results the region achieves and are "
            "shared as good practice."),
    questions=(
        QuestionSpec("actions_taken", "number",
                     _("How many follow-up actions has your administration taken since the "
                       "workshop?"), _("For example new procedures, trainings given to "
                                       "colleagues, changes to legislation.")),
        QuestionSpec("lessons", "text", _("Which lessons from the workshop have you applied?")),
        QuestionSpec("effects", "text", _("What direct effects have you observed?"),
                     _("For example shorter release times, more detections, fewer complaints.")),
        QuestionSpec("projects", "number",
                     _("How many modernisation projects were started as a result?")),
        QuestionSpec("comments", "text", _("Any other comments?"), required=False),
    ),
)

DELIVERY_MODES = (("in_person", _("In person")), ("virtual", _("Virtual")),
                  ("hybrid", _("Hybrid")), ("any", _("No preference")))

NEEDS = Preset(
    title=_("Needs assessment {year}"),
    intro=_("Tell us where your administration most needs the office's assistance in the "
            "coming year. The topics are the actions of the office's work plan. One answer per "
            "member administration: you can change it until the survey closes."),
    questions=(
        QuestionSpec("priorities", "ranking",
                     _("Rank the topics where your administration most needs assistance "
                       "(1 = most needed)."), rank_limit=5),
        QuestionSpec("other_needs", "text", _("Other needs not listed above"), required=False),
        QuestionSpec("delivery_mode", "single", _("How would you prefer assistance to be "
                                                  "delivered?"),
                     required=False, choices=DELIVERY_MODES),
        QuestionSpec("comments", "text", _("Comments"), required=False),
    ),
)

CUSTOM = Preset(title=_("Survey"), intro="", questions=())

PRESETS = {"needs": NEEDS, "evaluation": EVALUATION, "followup": FOLLOWUP, "custom": CUSTOM}

# Rating codes an evaluation's results are compared by across events.
EVALUATION_CODES = ("overall", "relevance", "content", "speakers", "organisation")
EVALUATION_LABELS = {
    "overall": _("Overall"),
    "relevance": _("Relevance"),
    "content": _("Content"),
    "speakers": _("Speakers"),
    "organisation": _("Organisation"),
}

# A topic label in a needs assessment: the action's code and the start of its text.
TOPIC_LABEL_LENGTH = 150


def topic_choice(action) -> dict:
    text = " ".join(action.text.split())
    if len(text) > TOPIC_LABEL_LENGTH:
        text = text[: TOPIC_LABEL_LENGTH - 1].rstrip() + "…"
    return {"value": action.code, "label": f"{action.code} {text}"}
