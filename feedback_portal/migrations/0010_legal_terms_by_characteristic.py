"""Each legal term gains the protected characteristic it points at: "phrase | characteristic".

The settings row's list, one phrase per line until now, is rewritten in the new form, grouped
by characteristic in the Equality Act's order, each group under a "# <characteristic>" line:

- every phrase the agency has is kept. A phrase of the earlier default list gets the
  characteristic it points at ("too old" → age, "children" → pregnancy and maternity,
  "gender" → sex); "age" becomes the exact `"age"`, so "ages" and "ageing" stop flagging.
  A phrase of the agency's own gets the characteristic of the same phrase in the new default
  list ("wheelchair" → disability).
- any other phrase of the agency's own is kept as a comment line, `# retro | ?`, under a note
  saying it is not checked until the admin writes its characteristic in place of the "?": the
  migration does not guess what an agency's own word points at.
- the agency's own comment lines stay, at the top; a line already in the new form stays.
- the phrases of the new default list the row lacks are added, except those of the earlier
  default list the agency had removed: that was its decision. A list left as it was becomes
  the new default list.

The settings row is cached without expiry: its cache entry is dropped, so every process reads
the new list (the check skips a line without a characteristic).

Backwards, each line keeps only its phrase (the earlier form); comment lines stay comments.
The vocabulary below is a copy of feedback_portal.equality's as this migration wrote it.
"""

import hashlib

from django.core.cache import cache
from django.db import migrations, models

LABELS = {
    "age": "age",
    "disability": "disability",
    "gender_reassignment": "gender reassignment",
    "marriage": "marriage and civil partnership",
    "pregnancy": "pregnancy and maternity",
    "race": "race",
    "religion": "religion or belief",
    "sex": "sex",
    "sexual_orientation": "sexual orientation",
}

DEFAULT_VOCABULARY = {
    "age": (
        '"age"',
        "too old",
        "too young",
        "young team",
        "someone young",
        "young person",
        "young blood",
        "someone older",
        "youthful",
        "energetic",
        "overqualified",
        "over qualified",
        "too experienced",
        "digital native",
        "recent graduate",
        "older candidate",
        "mature candidate",
        "mature student",
        "set in their ways",
        "retirement",
        "millennial",
        "boomer",
        "gen z",
    ),
    "disability": (
        "disability",
        "disabled",
        "wheelchair",
        "mental health",
        "sick leave",
        "sickness",
        "illness",
        "medical condition",
        "health condition",
        "reasonable adjustment",
        "autism",
        "autistic",
        "adhd",
        "dyslexia",
        "dyslexic",
        "neurodivergent",
        "deaf",
        "hearing aid",
        "stammer",
        "stutter",
        "anxiety",
        "depression",
    ),
    "gender_reassignment": (
        "transgender",
        "transsexual",
        "trans woman",
        "trans man",
        "trans person",
        "gender reassignment",
        "gender transition",
        "gender identity",
        "sex change",
        "non binary",
        "pronoun",
        "deadname",
    ),
    "marriage": (
        "married",
        "marry",
        "marital status",
        "civil partnership",
        "civil partner",
        "husband",
        "wife",
        "wives",
        "spouse",
        "maiden name",
        "wedding",
        "honeymoon",
        "newlywed",
        "divorce",
        "girlfriend",
        "boyfriend",
    ),
    "pregnancy": (
        "pregnant",
        "pregnancy",
        "maternity",
        "plan a family",
        "start a family",
        "family plans",
        "family planning",
        "expecting a baby",
        "have a baby",
        "had a baby",
        "new mother",
        "working mother",
        "working mum",
        "breastfeeding",
        "children",
        "childcare",
        "kids",
        "school run",
    ),
    "race": (
        "racial",
        "ethnic",
        "ethnicity",
        "nationality",
        "national origin",
        "country of origin",
        "skin colour",
        "skin color",
        "accent",
        "native speaker",
        "native english",
        "mother tongue",
        "broken english",
        "foreigner",
        "immigrant",
    ),
    "religion": (
        "religion",
        "religious",
        "church",
        "mosque",
        "synagogue",
        "temple",
        "pray",
        "fasting",
        "ramadan",
        "sabbath",
        "hijab",
        "headscarf",
        "turban",
        "christianity",
        "muslim",
        "jewish",
        "hindu",
        "sikh",
        "atheist",
    ),
    "sex": (
        "sex",
        "gender",
        "woman",
        "women",
        "men",
        "female",
        "male",
        "girl",
        "lady",
        "feminine",
        "masculine",
        "paternity",
    ),
    "sexual_orientation": (
        "sexual orientation",
        "sexuality",
        "gay",
        "lesbian",
        "bisexual",
        "homosexual",
        "heterosexual",
        "queer",
        "lgbt",
        "lgbtq",
        "same sex",
    ),
}

# The earlier default list: each phrase and the characteristic it points at.
OLD_DEFAULTS = {
    "age": ('"age"', "age"),
    "too old": ("too old", "age"),
    "too young": ("too young", "age"),
    "young team": ("young team", "age"),
    "energetic": ("energetic", "age"),
    "overqualified": ("overqualified", "age"),
    "digital native": ("digital native", "age"),
    "retirement": ("retirement", "age"),
    "disability": ("disability", "disability"),
    "married": ("married", "marriage"),
    "maternity": ("maternity", "pregnancy"),
    "pregnant": ("pregnant", "pregnancy"),
    "pregnancy": ("pregnancy", "pregnancy"),
    "family plans": ("family plans", "pregnancy"),
    "children": ("children", "pregnancy"),
    "native speaker": ("native speaker", "race"),
    "accent": ("accent", "race"),
    "mother tongue": ("mother tongue", "race"),
    "racial": ("racial", "race"),
    "ethnicity": ("ethnicity", "race"),
    "nationality": ("nationality", "race"),
    "religion": ("religion", "religion"),
    "religious": ("religious", "religion"),
    "gender": ("gender", "sex"),
    "sexual orientation": ("sexual orientation", "sexual_orientation"),
}

UNKNOWN_NOTE = [
    "# Kept from the earlier list, but not checked: which characteristic does each point at?",
    "# Write it in place of the “?” and take the “#” off to check the phrase again.",
]

HELP_TEXT = (
    "What the legal-safety check flags in feedback before release: one term per line, as “phrase | "
    "characteristic”, e.g. “plan a family | pregnancy and maternity”. The characteristic is one of "
    "the nine the Equality Act 2010 protects, by name or key: age, disability, gender reassignment, "
    "marriage and civil partnership, pregnancy and maternity, race, religion or belief, sex, sexual "
    "orientation. Blank lines and lines starting with “#” are skipped. Words match whole, in any "
    "case, across line breaks and hyphens, so “age” never flags “manage”. Each word of three letters"
    " or more also matches with -s, -es, -ed, -ing, -er, -ers or -est, doubling a final consonant, "
    "dropping a final “e” or turning a final “y” into “i”: “plan a family” finds “planning a "
    "family”, “marry” finds “married”. Endings are only added, so write plain forms. A phrase in "
    'double quotes matches exactly, without endings: "age" never flags “ages” or “ageing”.'
)


def _default_text() -> str:
    return "\n\n".join(
        "\n".join([f"# {LABELS[key].capitalize()}", *(f"{phrase} | {LABELS[key]}" for phrase in phrases)])
        for key, phrases in DEFAULT_VOCABULARY.items()
    )


DEFAULT_TERMS = _default_text()


def _plain(phrase: str) -> str:
    """A phrase as compared: lower case, whitespace tidied, without the quotes of an exact phrase."""
    return " ".join(phrase.strip().strip('"“”').lower().split())


def _key(name: str) -> str | None:
    name = " ".join(name.lower().replace("_", " ").split())
    for key, label in LABELS.items():
        if name in (label, key.replace("_", " ")):
            return key
    return None


NEW_DEFAULTS = {_plain(phrase): key for key, phrases in DEFAULT_VOCABULARY.items() for phrase in phrases}


def by_characteristic(text: str) -> str:
    """The earlier list (one phrase per line) in the new form; a list in the new form as it is."""
    lines = [" ".join(raw.split()) for raw in text.splitlines()]
    terms = [line for line in lines if line and not line.startswith("#")]
    if terms and all("|" in line and _key(line.split("|", 1)[1]) for line in terms):
        return text
    comments = [line for line in lines if line.startswith("#")]
    own: dict[str, list[str]] = {key: [] for key in LABELS}
    had: set[tuple[str, str]] = set()
    unknown = []
    for line in terms:
        if "|" in line and (key := _key(line.split("|", 1)[1])):
            phrase = line.split("|", 1)[0].strip()
        elif _plain(line) in OLD_DEFAULTS:
            phrase, key = OLD_DEFAULTS[_plain(line)]
        elif _plain(line) in NEW_DEFAULTS:
            phrase, key = line, NEW_DEFAULTS[_plain(line)]
        else:
            unknown.append(line)
            continue
        if (_plain(phrase), key) not in had:
            had.add((_plain(phrase), key))
            own[key].append(phrase)
    removed = {_plain(phrase) for phrase in OLD_DEFAULTS} - {_plain(phrase) for phrase, _ in had}
    blocks = ["\n".join(comments)] if comments else []
    for key, defaults in DEFAULT_VOCABULARY.items():
        phrases = [p for p in defaults if (_plain(p), key) in had or _plain(p) not in removed]
        phrases += [p for p in own[key] if _plain(p) not in {_plain(d) for d in defaults}]
        if phrases:
            label = LABELS[key]
            blocks.append("\n".join([f"# {label.capitalize()}", *(f"{p} | {label}" for p in phrases)]))
    if unknown:
        blocks.append("\n".join([*UNKNOWN_NOTE, *(f"# {line} | ?" for line in unknown)]))
    return "\n\n".join(blocks)


def one_phrase_per_line(text: str) -> str:
    """The new form back in the earlier one: each line's phrase only."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            line = line.split("|", 1)[0].strip().strip('"“”').strip()
        lines.append(line)
    return "\n".join(lines)


def _rewrite(apps, change) -> None:
    PortalSettings = apps.get_model("feedback_portal", "PortalSettings")
    for row in PortalSettings.objects.all():
        row.legal_terms = change(row.legal_terms)
        row.save(update_fields=["legal_terms"])
    # PortalSettings.cache_key(), as the model computes it from its fields.
    fields = ",".join(sorted(f.attname for f in PortalSettings._meta.concrete_fields))
    cache.delete(f"portal-settings:{hashlib.sha256(fields.encode()).hexdigest()[:12]}")


def forwards(apps, schema_editor) -> None:
    _rewrite(apps, by_characteristic)


def backwards(apps, schema_editor) -> None:
    _rewrite(apps, one_phrase_per_line)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback_portal", "0009_form_submission"),
    ]

    operations = [
        migrations.AlterField(
            model_name="portalsettings",
            name="legal_terms",
            field=models.TextField(default=DEFAULT_TERMS, help_text=HELP_TEXT),
        ),
        migrations.RunPython(forwards, backwards),
    ]
