"""The fixed feedback areas, the rating scale, and the library of next steps per area."""

from django.core.validators import URLValidator
from django.db import models


class Area(models.TextChoices):
    """The fixed feedback areas; analytics compare them over years, so they live in code."""

    CV = "cv", "CV / résumé"
    PRESENTATION = "presentation", "Presentation and communication"
    EXPERIENCE = "experience", "Relevant experience"
    SKILLS = "skills", "Skills"
    ANSWERS = "answers", "Answers to interview questions"
    PREPARATION = "preparation", "Preparation and knowledge of the company"
    FIT = "fit", "Team and culture fit"


AREA_PROMPTS = {
    Area.CV: "Did the CV show what the role needs? What would have made it stronger?",
    Area.PRESENTATION: "How clearly did they explain themselves and their work?",
    Area.EXPERIENCE: "How close was their experience to what the role needs, and what was missing?",
    Area.SKILLS: "Which skills stood out, and which fell short of the bar?",
    Area.ANSWERS: "Which answers worked, and which needed more depth or examples?",
    Area.PREPARATION: "How well did they know the company, its products and the role?",
    Area.FIT: "How did they approach working with the team? Describe behaviour, not personality.",
}


class Rating(models.TextChoices):
    """One scale for the manager's ratings and the candidate's self-assessment."""

    STRENGTH = "strength", "Strength"
    MET = "met", "Met the bar"
    IMPROVE = "improve", "Room to improve"
    NOT_ASSESSED = "not_assessed", "Not assessed"


# A step's link is a public web page the candidate opens: the web's own schemes only, never
# javascript:, data: or ftp:.
http_url = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with https:// (or http://)."
)


class NextStep(models.Model):
    """A suggested next step in the library: for an area, and for one rating of it or any.

    The release page offers the library's steps for each area's rating as the recruiter's starting
    point; what is released is copied onto the answer (`AreaAnswer.released_steps`), so editing the
    library later never changes what a candidate already reads. The seed keys steps by area and
    title.
    """

    area = models.CharField(max_length=20, choices=Area.choices)
    rating = models.CharField(
        max_length=20,
        choices=[(r.value, r.label) for r in Rating if r != Rating.NOT_ASSESSED],
        blank=True,
        help_text="The rating it suits; leave it blank to offer it for any rating of the area.",
    )
    title = models.CharField(max_length=100, help_text="Short: what to do, in a few words.")
    description = models.CharField(max_length=200, blank=True, help_text="One line: why, or how.")
    url = models.URLField(
        "link",
        max_length=300,
        blank=True,
        validators=[http_url],
        help_text="Optional: a course, a practice site or a guide (a public https:// page).",
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["area", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.title}"

    # The library's steps were one line of text before they had a title and a description;
    # `NextStep(text=...)` still makes one, as its title.
    @property
    def text(self) -> str:
        return f"{self.title} — {self.description}" if self.description else self.title

    @text.setter
    def text(self, value: str) -> None:
        self.title, self.description = (value, "") if len(value) <= 100 else (value[:99] + "…", value[:200])

    def as_step(self) -> dict[str, str]:
        """The step as a release keeps it: its words and link, copied from the library."""
        return {"title": self.title, "description": self.description, "url": self.url}
