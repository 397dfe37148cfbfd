"""safety.check_feedback: the legal-safety check on what a candidate will read."""

import pytest

from feedback_portal.equality import CHARACTERISTICS, DEFAULT_TERMS, DEFAULT_VOCABULARY, Term, characteristic
from feedback_portal.models import PortalSettings
from requests_app import safety
from requests_app.models import Rating

TERMS = safety.parse_terms(DEFAULT_TERMS)

LONG_ENOUGH = "Less hands-on time with dbt than the role needs; one modelling project would close it."

DEFAULT_PHRASES = [(phrase, key) for key, phrases in DEFAULT_VOCABULARY.items() for phrase in phrases]


def check(summary="", terms=TERMS, comments_expected=True, **answers):
    return safety.check_feedback(
        summary=summary, answers=answers, terms=terms, comments_expected=comments_expected
    )


def legal(flags):
    """(characteristic, words) of each legal flag, in order."""
    return [(f.characteristic, f.words) for f in flags if f.kind == safety.Kind.LEGAL]


def terms(text):
    return safety.parse_terms(text)


# --- The default list, phrase by phrase --------------------------------------------------------


def test_the_field_default_is_the_default_list():
    assert PortalSettings._meta.get_field("legal_terms").default == DEFAULT_TERMS


def test_every_characteristic_has_at_least_eight_default_phrases():
    assert [c.key for c in CHARACTERISTICS] == list(DEFAULT_VOCABULARY)
    assert {key: len(phrases) >= 8 for key, phrases in DEFAULT_VOCABULARY.items()} == dict.fromkeys(
        DEFAULT_VOCABULARY, True
    )
    assert len(TERMS) == len(DEFAULT_PHRASES)  # every line of the default list parses


@pytest.mark.parametrize(("phrase", "key"), DEFAULT_PHRASES, ids=[p for p, _ in DEFAULT_PHRASES])
def test_each_default_phrase_is_flagged_as_its_characteristic(phrase, key):
    written = phrase.strip('"').upper()
    (flag,) = check(summary=f"Honestly: {written}, we felt.")
    assert flag.kind == safety.Kind.LEGAL
    assert flag.characteristic == key
    assert flag.words == (written,)
    assert flag.key == f"summary_legal_{key}"


@pytest.mark.parametrize(
    ("text", "key", "found"),
    [
        ("They are planning a family soon.", "pregnancy", "planning a family"),
        ("She planned a family last year.", "pregnancy", "planned a family"),
        ("He plans a family.", "pregnancy", "plans a family"),
        ("They are starting a family.", "pregnancy", "starting a family"),
        ("They are having a baby in May.", "pregnancy", "having a baby"),
        ("Two pregnancies in three years.", "pregnancy", "pregnancies"),
        ("We have a younger team.", "age", "younger team"),
        ("The youngest team in the firm.", "age", "youngest team"),
        ("Clearly over-qualified.", "age", "over-qualified"),
        ("Strongly accented English.", "race", "accented"),
        ("Her accents varied.", "race", "accents"),
        ("They recently married.", "marriage", "married"),
        ("He is marrying in June.", "marriage", "marrying"),
        ("She divorced last year.", "marriage", "divorced"),
        ("Both husbands came along.", "marriage", "husbands"),
        ("Two disabilities declared.", "disability", "disabilities"),
        ("He stammered at first.", "disability", "stammered"),
        ("A slight stuttering.", "disability", "stuttering"),
        ("Praying at lunch.", "religion", "Praying"),
        ("Prayers on Friday.", "religion", "Prayers"),
        ("Two churches nearby.", "religion", "churches"),
        ("The ladies in the team.", "sex", "ladies"),
        ("Mostly immigrants.", "race", "immigrants"),
        ("Identifies as non-binary.", "gender_reassignment", "non-binary"),
        ("A Gen-Z attitude.", "age", "Gen-Z"),
    ],
)
def test_common_inflections_are_found_without_being_listed(text, key, found):
    assert legal(check(summary=text)) == [(key, (found,))]


@pytest.mark.parametrize(
    "text",
    [
        "They manage a team of four.",
        "A manager who engaged the team early.",
        "The landing page was slow; the passage on usage was clear.",
        "They reached the final stage as an agent of change.",
        "A teenage hobby became a career.",
        "Their message was clear, the images sharp.",
        "Mrs Patel and Mr Jones interviewed.",
        "Maybe a partial accentuation of the wrong points.",
        "It took ages; the ageing infrastructure slowed the demo.",
        "A young company with a mature engineering practice.",
        "They retired the legacy service cleanly.",
        "They transitioned from finance into data last year.",
        "The foreign key constraints were wrong.",
        "They found the race condition quickly.",
        "Python was their first language.",
        "They acted in good faith.",
        "Worked closely with the client partner team.",
        "A blind spot around testing.",
        "The child process leaked memory.",
        "No kidding: a fast learner.",
        "The template was solid; the menu worked.",
        "Native apps and national rollouts.",
        "A straightforward graduate scheme answer.",
        "The older version of Python was fine.",
        "A deafening silence after the question.",
        "Strong energy in the room.",
        "Lives in Essex.",
        "Avoided transactions across tables.",
        "The origin story of the product.",
    ],
)
def test_words_that_mostly_mean_something_else_are_not_flagged(text):
    assert check(summary=text) == []


# --- The matching rule -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Age was a concern.", "their AGE", "at your age, it’s hard", "age-related"])
def test_an_exact_phrase_is_a_whole_word_in_any_case(text):
    (flag,) = check(summary=text)
    assert flag.characteristic == "age"
    assert [w.lower() for w in flag.words] == ["age"]


def test_an_exact_phrase_takes_no_endings_and_a_plain_one_does():
    quoted, plain = terms('"retire" | age'), terms("retire | age")
    assert check(summary="Retiring soon.", terms=quoted) == []
    assert legal(check(summary="Retiring soon.", terms=plain)) == [("age", ("Retiring",))]
    assert legal(check(summary="Retire soon.", terms=quoted)) == [("age", ("Retire",))]


@pytest.mark.parametrize(
    ("word", "found", "not_found"),
    [
        ("plan", ["plan", "plans", "planned", "planning", "planner", "planners"], ["plane", "planet"]),
        ("retire", ["retire", "retires", "retired", "retiring", "retirer"], ["retir", "retina"]),
        ("marry", ["marry", "marries", "married", "marrying"], ["marr", "marrow"]),
        ("old", ["old", "older", "oldest", "olds"], ["bold", "olden"]),
        ("church", ["church", "churches"], ["churchill"]),
    ],
)
def test_each_word_takes_the_common_endings(word, found, not_found):
    listed = terms(f"{word} | age")
    for text in found:
        assert legal(check(summary=f"x {text} x", terms=listed)) == [("age", (text,))], text
    for text in not_found:
        assert check(summary=f"x {text} x", terms=listed) == [], text


def test_endings_are_added_never_taken_off():
    listed = terms("planning a family | pregnancy and maternity")
    assert len(check(summary="Planning a family.", terms=listed)) == 1
    assert check(summary="They plan a family.", terms=listed) == []
    assert check(summary="planning to start a family", terms=listed) == []


def test_short_words_take_no_endings():
    listed = terms("go to church | religion")
    assert len(check(summary="They go to church.", terms=listed)) == 1
    assert len(check(summary="They go to churches.", terms=listed)) == 1
    assert check(summary="She goes to church.", terms=listed) == []
    assert check(summary="They go tos church.", terms=listed) == []


def test_a_phrase_is_found_across_line_breaks_hyphens_and_extra_spaces():
    flags = check(experience=(Rating.MET, "We are a young\n   team and wanted a native\r\nspeaker."))
    assert [(f.place, f.characteristic, f.words) for f in flags] == [
        ("Relevant experience", "age", ("young team",)),  # as written, whitespace tidied
        ("Relevant experience", "race", ("native speaker",)),
    ]


def test_curly_and_straight_apostrophes_are_the_same():
    listed = terms("mother’s day | pregnancy and maternity\nthey're old | age")
    assert legal(check(summary="Off for Mother's Day, and they’re old.", terms=listed)) == [
        ("pregnancy", ("Mother's Day",)),
        ("age", ("they’re old",)),
    ]


# --- One flag per place and characteristic -----------------------------------------------------


def test_one_flag_per_characteristic_naming_each_word_once_in_reading_order():
    flags = check(summary="Too old? Energetic people; too OLD, and an accent.")
    assert legal(flags) == [("age", ("Too old", "Energetic")), ("race", ("accent",))]
    assert [f.key for f in flags] == ["summary_legal_age", "summary_legal_race"]


def test_overlapping_finds_of_one_characteristic_are_named_as_one():
    (flag,) = check(summary="Too young team players.")
    assert flag.words == ("Too young team",)


def test_a_find_inside_a_longer_one_of_another_characteristic_is_that_ones():
    assert legal(check(summary="Mid gender reassignment.")) == [
        ("gender_reassignment", ("gender reassignment",))
    ]
    assert legal(check(summary="A same-sex couple.")) == [("sexual_orientation", ("same-sex",))]
    # Beside each other, not inside: both count.
    assert legal(check(summary="Gender, and gender identity.")) == [
        ("sex", ("Gender",)),
        ("gender_reassignment", ("gender identity",)),
    ]


def test_each_flag_names_its_characteristic_and_says_why():
    flags = check(summary="Recently married, planning a family, and a strong accent.")
    assert [f.characteristic for f in flags] == ["marriage", "pregnancy", "race"]
    for flag, key in zip(flags, ["marriage", "pregnancy", "race"], strict=True):
        c = characteristic(key)
        assert flag.why == c.why
        assert flag.characteristic_label == c.label
        assert flag.label == f"possible legal risk ({c.label})"
    assert (
        flags[1].describe() == "Summary — possible legal risk (pregnancy and maternity): “planning a family”"
    )


@pytest.mark.parametrize("c", CHARACTERISTICS, ids=[c.key for c in CHARACTERISTICS])
def test_each_why_is_one_plain_sentence(c):
    assert c.why.endswith(".") and c.why.count(". ") == 0
    assert c.why[0].isupper()
    assert 60 < len(c.why) < 220


def test_every_place_is_checked_and_named():
    flags = check(
        summary="An energetic person.",
        skills=(Rating.STRENGTH, "Good, despite the accent."),
        answers=(Rating.NOT_ASSESSED, "Overqualified, and pregnant."),
    )
    assert [(f.key, f.place, f.words) for f in flags] == [
        ("summary_legal_age", "Summary", ("energetic",)),
        ("skills_legal_race", "Skills", ("accent",)),
        ("answers_legal_age", "Answers to interview questions", ("Overqualified",)),
        ("answers_legal_pregnancy", "Answers to interview questions", ("pregnant",)),
    ]


def test_a_term_listed_under_two_characteristics_raises_both():
    listed = terms("family man | sex\nfamily man | marriage")
    assert legal(check(summary="A family man.", terms=listed)) == [
        ("sex", ("family man",)),
        ("marriage", ("family man",)),
    ]


# --- Unactionable comments (unchanged) ---------------------------------------------------------


def test_a_short_comment_on_an_area_to_improve_is_unactionable():
    (flag,) = check(skills=(Rating.IMPROVE, "SQL needs work."))
    assert flag.kind == safety.Kind.UNACTIONABLE
    assert flag.place == "Skills"
    assert flag.words == ("SQL needs work.",)
    assert "Only 3 words" in flag.why
    assert (flag.characteristic, flag.key, flag.label) == ("", "skills_unactionable", "not actionable")


def test_an_empty_comment_on_an_area_to_improve_is_unactionable():
    (flag,) = check(cv=(Rating.IMPROVE, "  "))
    assert flag.words == ()
    assert flag.why.startswith("No comment")
    assert flag.describe() == "CV / résumé — not actionable: no comment"


def test_no_comment_is_expected_when_the_client_gives_ratings_only():
    assert check(cv=(Rating.IMPROVE, ""), comments_expected=False) == []
    assert len(check(cv=(Rating.IMPROVE, "Too long."), comments_expected=False)) == 1


def test_eight_words_are_enough_and_other_ratings_are_not_judged_on_length():
    assert check(skills=(Rating.IMPROVE, "Practise window functions and joins on a real dataset.")) == []
    assert check(skills=(Rating.STRENGTH, "Great."), cv=(Rating.MET, ""), fit=(Rating.NOT_ASSESSED, "")) == []


@pytest.mark.parametrize(
    ("comment", "found"),
    [
        ("Not a fit.", ("Not a fit",)),
        ("Honestly, we all felt they just didn’t click with the team here.", ("didn’t click",)),
        (
            "It was just not right for us, sadly, and not a fit overall.",
            ("just not right for us", "not a fit"),  # overlapping phrases named as one
        ),
    ],
)
def test_stock_phrases_alone_are_unactionable(comment, found):
    (flag,) = check(fit=(Rating.IMPROVE, comment))
    assert flag.kind == safety.Kind.UNACTIONABLE
    assert flag.rule == "stock"
    assert flag.words == found
    assert "stock phrase" in flag.why


def test_a_stock_phrase_with_a_reason_is_fine():
    comment = "Not a fit yet: the role needs daily SQL, and every example they gave was in Excel."
    assert check(fit=(Rating.IMPROVE, comment)) == []


def test_an_area_can_carry_both_kinds_of_flag():
    flags = check(fit=(Rating.IMPROVE, "Too old."))
    assert [(f.kind, f.words) for f in flags] == [
        (safety.Kind.LEGAL, ("Too old",)),
        (safety.Kind.UNACTIONABLE, ("Too old.",)),
    ]
    assert [f.key for f in flags] == ["fit_legal_age", "fit_unactionable"]


def test_clean_feedback_has_no_flags():
    assert (
        check(
            summary="Build one end-to-end modelling project.",
            experience=(Rating.IMPROVE, LONG_ENOUGH),
            answers=(Rating.STRENGTH, "Clear STAR stories about the pricing dashboard."),
        )
        == []
    )


def test_a_signature_changes_with_the_words_found_not_with_a_reworded_short_comment():
    first = check(summary="Age.", skills=(Rating.IMPROVE, "Needs SQL."))
    reworded = check(summary="AGE, at their age.", skills=(Rating.IMPROVE, "Needs more SQL."))
    more = check(summary="Age, too old.")
    assert [f.signature for f in first] == [f.signature for f in reworded]
    assert first[0].signature != more[0].signature


# --- The agency's list -------------------------------------------------------------------------


def test_the_check_takes_parsed_terms():
    (term,) = terms("  Young   team  |  AGE ")
    assert term == Term("Young team", characteristic("age"))


@pytest.mark.django_db
def test_a_term_added_in_the_admin_settings_is_used(admin_client):
    portal = PortalSettings.load()
    assert "retro" not in {t.phrase for t in safety.portal_terms()}
    assert check(summary="A bit retro for us.", terms=safety.portal_terms()) == []

    data = {
        field.name: getattr(portal, field.name)
        for field in PortalSettings._meta.fields
        if field.name not in ("id", "legal_terms")
    }
    page = admin_client.post(
        f"/admin/feedback_portal/portalsettings/{portal.pk}/change/",
        {**data, "holidays": "", "legal_terms": portal.legal_terms + "\nretro | age\nhobby horse | Age"},
    )
    assert page.status_code == 302, page.content.decode()

    listed = safety.portal_terms()
    assert {("retro", "age"), ("hobby horse", "age"), ("too old", "age")} <= {
        (t.phrase, t.characteristic.key) for t in listed
    }
    (flag,) = check(summary="A bit Retro, their hobby\nhorses, too old.", terms=listed)
    assert flag.words == ("Retro", "hobby horses", "too old")
