"""The topics a child can say something about, with the words for each age band.

Topics follow the councils' consultation forms. Children's words only: "family time", never
"contact"; "my meeting", never "LAC review". Young children (4-7) start with the "three houses"
(good things, worries, dreams); the keyworker can choose other topics for any child.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..models import AgeBand, PlacementType

YOUNG, MIDDLE, OLDER = AgeBand.YOUNG, AgeBand.MIDDLE, AgeBand.OLDER
ALL_BANDS = frozenset(AgeBand)
STAYING_PUT_AGE = 16


@dataclass(frozen=True)
class Wording:
    """What one age band reads for a topic: a title, a question and a few ideas."""

    title: LazyString
    prompt: LazyString
    ideas: tuple[LazyString, ...]


@dataclass(frozen=True)
class Topic:
    code: str
    words: dict[AgeBand, Wording]
    # The bands it may be offered to, and the bands that see it unless the keyworker chooses.
    offered_to: frozenset[AgeBand] = ALL_BANDS
    usual_for: frozenset[AgeBand] = frozenset({MIDDLE, OLDER})
    house: bool = False  # one of the three houses

    def wording(self, band: AgeBand) -> Wording:
        return self.words.get(band) or self.words[MIDDLE]


def _same(wording: Wording) -> dict[AgeBand, Wording]:
    return dict.fromkeys(AgeBand, wording)


TOPICS: tuple[Topic, ...] = (
    Topic(
        "good-things",
        _same(
            Wording(
                _l("My house of good things"),
                _l("What are the good things in your life?"),
                (
                    _l("What makes you happy?"),
                    _l("Who is kind to you?"),
                    _l("What are you good at?"),
                ),
            )
        ),
        usual_for=frozenset({YOUNG}),
        house=True,
    ),
    Topic(
        "worries-house",
        _same(
            Wording(
                _l("My house of worries"),
                _l("Is anything worrying you?"),
                (
                    _l("What makes you sad or cross?"),
                    _l("What scares you?"),
                    _l("What don't you like?"),
                ),
            )
        ),
        usual_for=frozenset({YOUNG}),
        house=True,
    ),
    Topic(
        "dreams",
        _same(
            Wording(
                _l("My house of dreams"),
                _l("What are your dreams and wishes?"),
                (
                    _l("If you could have three wishes, what would they be?"),
                    _l("What would you like to happen?"),
                    _l("What would you like to be when you grow up?"),
                ),
            )
        ),
        usual_for=frozenset({YOUNG}),
        house=True,
    ),
    Topic(
        "living-here",
        {
            YOUNG: Wording(
                _l("Where I live"),
                _l("What is it like where you live?"),
                (
                    _l("What do you like about your home?"),
                    _l("Is there anything you don't like?"),
                    _l("Who do you like to spend time with at home?"),
                ),
            ),
            MIDDLE: Wording(
                _l("Living here"),
                _l("How is it, living where you live now?"),
                (
                    _l("What's good about living here?"),
                    _l("What would make it better?"),
                    _l("Do the adults who look after you listen to you?"),
                ),
            ),
            OLDER: Wording(
                _l("Living here"),
                _l("How are things where you live?"),
                (
                    _l("What works well for you here?"),
                    _l("What would you change about your home or the rules?"),
                    _l("Do the adults here listen to you and respect your privacy?"),
                ),
            ),
        },
    ),
    Topic(
        "family-and-friends",
        {
            YOUNG: Wording(
                _l("My family and friends"),
                _l("Who are the people you love?"),
                (
                    _l("Who would you like to see more?"),
                    _l("What do you like doing at family time?"),
                    _l("Who are your friends?"),
                ),
            ),
            MIDDLE: Wording(
                _l("Family and friends"),
                _l("How are things with your family and friends?"),
                (
                    _l("How is family time going for you?"),
                    _l("Is there anyone you'd like to see more, or less?"),
                    _l("Can you see your friends when you want to?"),
                ),
            ),
            OLDER: Wording(
                _l("Family and friends"),
                _l("Tell us about family time and the people who matter to you."),
                (
                    _l("Is family time happening the way you want it to?"),
                    _l("Who would you like to see more, or less, and how?"),
                    _l("Can you keep in touch with your friends the way you'd like?"),
                ),
            ),
        },
    ),
    Topic(
        "school",
        {
            YOUNG: Wording(
                _l("School"),
                _l("What is school like for you?"),
                (
                    _l("What do you like doing at school?"),
                    _l("Is anything at school hard?"),
                    _l("Who helps you at school?"),
                ),
            ),
            MIDDLE: Wording(
                _l("School and learning"),
                _l("How is school going?"),
                (
                    _l("What are you good at?"),
                    _l("What's hard, and what would help?"),
                    _l("Do you get on with people at school?"),
                ),
            ),
            OLDER: Wording(
                _l("School, college and learning"),
                _l("How is school, college or training going?"),
                (
                    _l("What's going well, and what's getting in the way?"),
                    _l("Do you get the help you need with learning or exams?"),
                    _l("What would you like to learn or try next?"),
                ),
            ),
        },
    ),
    Topic(
        "health-and-feelings",
        {
            YOUNG: Wording(
                _l("Being healthy and my feelings"),
                _l("How do you feel, in your body and inside?"),
                (
                    _l("Do you sleep well?"),
                    _l("What helps you feel better when you're sad?"),
                    _l("Does anything hurt?"),
                ),
            ),
            MIDDLE: Wording(
                _l("Health and feelings"),
                _l("How are you feeling, and how is your health?"),
                (
                    _l("Do you sleep and eat well?"),
                    _l("Who do you talk to when you feel upset?"),
                    _l("Is there anything about your health you'd like help with?"),
                ),
            ),
            OLDER: Wording(
                _l("Health and feelings"),
                _l("How are your health and wellbeing?"),
                (
                    _l("How are you sleeping, eating and feeling in yourself?"),
                    _l("Do you know where to get help with your mental health?"),
                    _l("Is there anything to sort out, like the dentist, the doctor or glasses?"),
                ),
            ),
        },
    ),
    Topic(
        "things-i-enjoy",
        {
            YOUNG: Wording(
                _l("Things I like doing"),
                _l("What do you love doing?"),
                (
                    _l("What are your favourite games?"),
                    _l("What would you like to try?"),
                    _l("What makes you laugh?"),
                ),
            ),
            MIDDLE: Wording(
                _l("Things I enjoy"),
                _l("What do you enjoy doing?"),
                (
                    _l("What hobbies, clubs or sports do you do?"),
                    _l("Is there something new you'd like to try?"),
                    _l("What's the best thing you've done lately?"),
                ),
            ),
            OLDER: Wording(
                _l("Things I enjoy"),
                _l("What do you enjoy, and what would you like to do more of?"),
                (
                    _l("What are your interests and hobbies?"),
                    _l("Is anything stopping you doing things you enjoy?"),
                    _l("Would you like to try a club, a sport, a job or volunteering?"),
                ),
            ),
        },
    ),
    Topic(
        "who-i-am",
        {
            YOUNG: Wording(
                _l("All about me"),
                _l("What makes you, you?"),
                (
                    _l("What are your favourite things?"),
                    _l("What are you proud of?"),
                    _l("What is special about your family or where you come from?"),
                ),
            ),
            MIDDLE: Wording(
                _l("Who I am"),
                _l("What makes you who you are?"),
                (
                    _l("What are you proud of?"),
                    _l("Are your culture, religion or language important to you?"),
                    _l("Do you know your own story? Would you like to know more?"),
                ),
            ),
            OLDER: Wording(
                _l("Who I am"),
                _l("Your identity: your culture, faith, language and who you are."),
                (
                    _l("Do you get the support you want with your culture, faith or identity?"),
                    _l("Do you have your life story, and documents like your passport?"),
                    _l("Is there anything about you the adults don't understand?"),
                ),
            ),
        },
    ),
    Topic(
        "my-future",
        {
            OLDER: Wording(
                _l("My future"),
                _l("What are your plans and hopes for the future?"),
                (
                    _l("What would you like to do after school or college?"),
                    _l("What would you like to learn before living on your own?"),
                    _l("Who would you like to help you plan?"),
                ),
            ),
        },
        offered_to=frozenset({OLDER}),
        usual_for=frozenset({OLDER}),
    ),
    Topic(
        "worries",
        {
            YOUNG: Wording(
                _l("Things that worry me"),
                _l("Is anything making you sad or worried?"),
                (
                    _l("What worries you?"),
                    _l("Who can you tell when you're worried?"),
                    _l("What would help you feel safe?"),
                ),
            ),
            MIDDLE: Wording(
                _l("Worries"),
                _l("Is anything worrying you?"),
                (
                    _l("What's on your mind?"),
                    _l("Who do you talk to when something's wrong?"),
                    _l("What would help?"),
                ),
            ),
            OLDER: Wording(
                _l("Worries"),
                _l("Is anything worrying you, or not right?"),
                (
                    _l("What's worrying you right now?"),
                    _l("Have you told someone something that hasn't been sorted out?"),
                    _l("What would make it better?"),
                ),
            ),
        },
    ),
    Topic(
        "what-id-change",
        {
            YOUNG: Wording(
                _l("What I'd like to change"),
                _l("If you had a magic wand, what would you change?"),
                (
                    _l("What would make you happier?"),
                    _l("What would you like the grown-ups to do?"),
                ),
            ),
            MIDDLE: Wording(
                _l("What I'd like to change"),
                _l("What would you like to be different?"),
                (
                    _l("What would make your life better?"),
                    _l("Did the adults say they'd do something that hasn't happened?"),
                    _l("What should your meeting talk about?"),
                ),
            ),
            OLDER: Wording(
                _l("What I'd like to change"),
                _l("What do you want to change, and what should happen next?"),
                (
                    _l("What would make the biggest difference to you?"),
                    _l("Has anything agreed at your last review not happened?"),
                    _l("What do you want the people at your meeting to do?"),
                ),
            ),
        },
    ),
)
TOPIC_BY_CODE = {topic.code: topic for topic in TOPICS}
HOUSES = tuple(topic.code for topic in TOPICS if topic.house)

STAYING_PUT = _l(
    "From 16 you can ask about Staying Put: living on with your foster carers after you are 18. "
    "What do you think?"
)
STAYING_CLOSE = _l(
    "From 16 you can ask about Staying Close: living near your home now, with support, after "
    "you are 18. What do you think?"
)


@dataclass(frozen=True)
class TopicPage:
    """A topic as one child sees it: the words for their band and age."""

    code: str
    title: LazyString
    prompt: LazyString
    ideas: tuple[LazyString, ...]
    house: bool


def offered(band: AgeBand) -> list[Topic]:
    """Every topic a keyworker may choose for a child in this band, in catalogue order."""
    return [topic for topic in TOPICS if band in topic.offered_to]


def usual(band: AgeBand) -> list[str]:
    """The topics a child in this band sees unless their keyworker chooses others."""
    return [topic.code for topic in TOPICS if band in topic.usual_for]


def checked_choice(codes: Iterable[str], band: AgeBand) -> list[str]:
    """A keyworker's choice as topic codes in catalogue order; ValueError for any code that is
    not offered to this band (a tampered form can never store one)."""
    allowed = {topic.code for topic in offered(band)}
    chosen = set(codes)
    unknown = chosen - allowed
    if unknown:
        raise ValueError(f"topics not offered to {band}: {sorted(unknown)}")
    return [topic.code for topic in TOPICS if topic.code in chosen]


def page_for(
    code: str, band: AgeBand, age: int, placement: PlacementType | None = None
) -> TopicPage:
    """The words one child reads for a topic (KeyError for an unknown code)."""
    topic = TOPIC_BY_CODE[code]
    wording = topic.wording(band)
    ideas = wording.ideas
    if code == "my-future" and age >= STAYING_PUT_AGE:
        ideas = (
            *ideas,
            STAYING_PUT if placement == PlacementType.FOSTER else STAYING_CLOSE,
        )
    return TopicPage(code, wording.title, wording.prompt, ideas, topic.house)


def title_of(code: str, band: AgeBand) -> LazyString:
    """A topic's title for a band (used for items whose topic is no longer chosen)."""
    return TOPIC_BY_CODE[code].wording(band).title
