"""The fixed feedback areas, the rating scale, and the library of next steps per area."""

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


class NextStep(models.Model):
    """A suggested next step for an area, offered with released feedback."""

    area = models.CharField(max_length=20, choices=Area.choices)
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["area", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.text}"
