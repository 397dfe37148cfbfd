"""Seed the library of next steps: several for each area, most for an area rated "room to
improve", some for one that "met the bar". The agency edits the library in the admin.

Idempotent, and never overwrites an edit: a step is added only when its area has no step of
that title yet (in any case), so running it again adds nothing, and a step the admin reworded
or switched off is left as it is. Links only to public pages that have stood for years (the
National Careers Service, the Open University's OpenLearn, Companies House, FutureLearn,
Toastmasters); the others carry none, and the admin can add the agency's own guides.
"""

from django.db import migrations

NCS = "https://nationalcareers.service.gov.uk"
OPENLEARN = "https://www.open.edu/openlearn/"

# area → [(rating, title, description, url)]
LIBRARY = {
    "cv": [
        (
            "improve",
            "Lead with what you achieved",
            "Rewrite each role as two or three results, with numbers where you can.",
            "",
        ),
        (
            "improve",
            "Match your CV to the advert",
            "Use the advert's own words for the skills you have, near the top.",
            "",
        ),
        (
            "improve",
            "Follow a proven CV structure",
            "The National Careers Service explains what each section of a CV is for.",
            f"{NCS}/careers-advice/cv-sections",
        ),
        (
            "improve",
            "Ask your recruiter to review your CV",
            "Half an hour together on your CV, before your next application.",
            "",
        ),
        ("met", "Keep it to two pages", "Cut older roles to one line each so the recent ones stand out.", ""),
    ],
    "presentation": [
        (
            "improve",
            "Practise your answers out loud",
            "Record yourself on your phone and listen back once: it shows what to tighten.",
            "",
        ),
        (
            "improve",
            "Book a mock interview with your recruiter",
            "A practice run with honest comments, in the format of the real thing.",
            "",
        ),
        (
            "improve",
            "Speak in a friendly, supportive group",
            "Toastmasters clubs meet locally and online to practise speaking.",
            "https://www.toastmasters.org/",
        ),
        (
            "improve",
            "Talk to a careers adviser about nerves",
            "The National Careers Service offers free advice by phone, web chat and in person.",
            f"{NCS}/",
        ),
        (
            "met",
            "Open with a one-minute summary",
            "Prepare a short, clear answer to “tell us about yourself”.",
            "",
        ),
    ],
    "experience": [
        (
            "improve",
            "Aim one step closer",
            "Look for roles that build on what you do now and add one new responsibility.",
            "",
        ),
        (
            "improve",
            "Show it through a project",
            "A side project or volunteering can demonstrate experience a job title doesn't.",
            "",
        ),
        (
            "improve",
            "Describe your experience in the role's terms",
            "Link each past task to a duty in the advert, so the match is easy to see.",
            "",
        ),
        (
            "met",
            "Collect evidence as you go",
            "Keep a short note of each project: what you did, for whom, and the result.",
            "",
        ),
    ],
    "skills": [
        (
            "improve",
            "Take a short free course",
            "OpenLearn has free courses from the Open University, many with a certificate.",
            OPENLEARN,
        ),
        (
            "improve",
            "Find out where your skills stand",
            "The National Careers Service's skills assessment suggests roles that suit them.",
            f"{NCS}/skills-assessment",
        ),
        (
            "improve",
            "Build something that proves it",
            "A small portfolio piece shows a skill better than a line on a CV.",
            "",
        ),
        (
            "improve",
            "Learn alongside others online",
            "FutureLearn offers short online courses from universities and employers.",
            "https://www.futurelearn.com/",
        ),
        (
            "met",
            "Name your level honestly",
            "Say what you have used a skill for, not only that you have it.",
            "",
        ),
    ],
    "answers": [
        (
            "improve",
            "Prepare stories with the STAR method",
            "Situation, Task, Action, Result: four or five stories cover most questions.",
            "",
        ),
        (
            "improve",
            "Read up on common interview questions",
            "The National Careers Service's interview advice covers questions and how to answer them.",
            f"{NCS}/careers-advice/interview-advice",
        ),
        (
            "improve",
            "Answer the question asked",
            "Pause, check you understood it, then give one clear example.",
            "",
        ),
        (
            "met",
            "Finish each answer with the result",
            "Say what changed because of what you did, and what you learned.",
            "",
        ),
    ],
    "preparation": [
        (
            "improve",
            "Research the company before you go",
            "Its products, recent news, customers and values, and how the role fits in.",
            "",
        ),
        (
            "improve",
            "Look the company up on Companies House",
            "Its size, age and filed accounts are free to see.",
            "https://find-and-update.company-information.service.gov.uk/",
        ),
        (
            "improve",
            "Prepare three questions to ask",
            "Good questions show you have thought about the role and the team.",
            "",
        ),
        (
            "met",
            "Bring one idea for the role",
            "Something you noticed about their product or service, and what you might try.",
            "",
        ),
    ],
    "fit": [
        (
            "improve",
            "Ask how the team works",
            "At the first interview, ask how they plan, decide and share work.",
            "",
        ),
        (
            "improve",
            "Give examples of working with others",
            "Prepare a story of a disagreement you helped resolve, and one of helping a colleague.",
            "",
        ),
        (
            "improve",
            "Talk it through with your recruiter",
            "They know the teams they recruit for, and can suggest where you would thrive.",
            "",
        ),
        (
            "met",
            "Say what you look for in a team",
            "Knowing what suits you helps both sides judge the fit.",
            "",
        ),
    ],
}


def seed(apps, schema_editor):
    NextStep = apps.get_model("requests_app", "NextStep")
    have = {(area, title.casefold()) for area, title in NextStep.objects.values_list("area", "title")}
    after = {}
    for area, position in NextStep.objects.values_list("area", "position"):
        after[area] = max(after.get(area, 0), position + 1)
    for area, steps in LIBRARY.items():
        for number, (rating, title, description, url) in enumerate(steps):
            if (area, title.casefold()) in have:
                continue
            NextStep.objects.create(
                area=area,
                rating=rating,
                title=title,
                description=description,
                url=url,
                position=after.get(area, 0) + number,
            )


def unseed(apps, schema_editor):
    """Going back: remove the seeded steps the admin left exactly as seeded."""
    NextStep = apps.get_model("requests_app", "NextStep")
    for area, steps in LIBRARY.items():
        for rating, title, description, url in steps:
            NextStep.objects.filter(
                area=area, rating=rating, title=title, description=description, url=url
            ).delete()


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0011_next_step_library")]

    operations = [migrations.RunPython(seed, unseed)]
