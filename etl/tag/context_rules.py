"""Context rules for ambiguous gazetteer names (issue #3 item 2, COUNTRY-MENTIONS.md).

A rule sees one candidate mention and the whole article and returns the ISO-3 code to keep
(possibly a different one: bare "Korea") or None to drop it. Immediate rules look at the
text only; deferred rules also see which countries the article names without doubt, so they
run after the others. Cue patterns are written against the folded text (lower-case,
punctuation as spaces: "n djamena", "d c").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class RuleContext:
    text: str
    folded: str
    lang: str | None
    found: set[str] = field(default_factory=set)
    """Countries already accepted without a deferred rule (filled before deferred rules)."""


Rule = Callable[[RuleContext, int, int, str], str | None]


def _cues(*words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(words) + r")\b")


COUNTRY_CUES = {
    "JOR": _cues(
        r"amman",
        r"jordanian\w*",
        r"hashemite",
        r"king abdullah",
        r"queen rania",
        r"aqaba",
        r"israel\w*",
        r"palestin\w*",
        r"syria\w*",
        r"iraq\w*",
        r"leban\w*",
        r"saudi\w*",
        r"middle east",
        r"west bank",
        r"refugee camp\w*",
        r"jordanie",
        r"yordania",
    ),
    "TCD": _cues(
        r"n djamena",
        r"ndjamena",
        r"chadian\w*",
        r"tchad\w*",
        r"d[ée]by",
        r"sahel",
        r"niger",
        r"sudan\w*",
        r"darfur",
        r"cameroon\w*",
        r"libya\w*",
        r"boko haram",
        r"lake chad",
        r"central african",
        r"afri\w+",
    ),
    "NLD": _cues(
        r"amsterdam",
        r"dutch",
        r"netherlands",
        r"pays bas",
        r"n[ée]erlandais\w*",
        r"the hague",
        r"la haye",
        r"rotterdam",
        r"belanda",
        r"hollandais\w*",
    ),
    "DMA": _cues(r"roseau", r"cara[ïi]bes?", r"caribbean", r"dominiquais\w*", r"antilles"),
    "SLV": _cues(
        r"san salvador",
        r"salvador\w+",
        r"am[ée]rique centrale",
        r"central america\w*",
        r"honduras",
        r"guatemala",
        r"bukele",
    ),
    "MUS": _cues(
        r"[îi]le maurice", r"mauricien\w*", r"port louis", r"mauritius", r"oc[ée]an indien"
    ),
    "JEY": _cues(
        r"channel islands",
        r"guernsey",
        r"st helier",
        r"saint helier",
        r"crown dependenc\w*",
        r"[îi]les anglo normandes",
    ),
}
"""Words that make the country reading of a name plausible (rules 'person' and 'cue')."""

GEORGIA_COUNTRY = _cues(
    r"tbilisi",
    r"tbilissi",
    r"saakashvili",
    r"ivanishvili",
    r"abkhaz\w*",
    r"ossetia\w*",
    r"oss[ée]tie",
    r"caucas\w*",
    r"kaukasus",
    r"kavkaz",
    r"russia\w*",
    r"moscow",
    r"kremlin",
    r"soviet",
    r"armenia\w*",
    r"azerbaijan\w*",
    r"ukrain\w*",
    r"batumi",
    r"kutaisi",
    r"sukhumi",
    r"georgian dream",
    r"rusia",
    r"russie",
    r"moscou",
    r"moskow",
)
GEORGIA_US_STATE = _cues(
    r"atlanta",
    r"savannah",
    r"augusta",
    r"macon",
    r"athens",
    r"columbus",
    r"county",
    r"gov",
    r"governor",
    r"ga",
    r"georgia tech",
    r"university of georgia",
    r"bulldogs",
    r"alabama",
    r"florida",
    r"tennessee",
    r"carolina",
    r"legislature",
    r"general assembly",
    r"negara bagian",
    r"[ée]tat de g[ée]orgie",
    r"peach state",
    r"u s state",
)

WASHINGTON_STATE = _cues(
    r"seattle",
    r"spokane",
    r"tacoma",
    r"olympia",
    r"yakima",
    r"bellingham",
    r"puget sound",
    r"king county",
    r"eastern washington",
    r"western washington",
    r"washington state",
    r"state of washington",
    r"gregoire",
    r"inslee",
    r"oregon",
)
WASHINGTON_CAPITAL = _cues(
    r"d c",
    r"white house",
    r"capitol",
    r"congress\w*",
    r"federal",
    r"administration",
    r"president",
    r"pentagon",
    r"senate",
    r"state department",
    r"obama",
    r"trump",
    r"biden",
    r"bush",
    r"beijing",
    r"moscow",
    r"tehran",
    r"pyongyang",
    r"kremlin",
)

TURKEY_BIRD = _cues(
    r"thanksgiving",
    r"roast\w*",
    r"stuffing",
    r"gravy",
    r"recipe\w*",
    r"oven",
    r"feather\w*",
    r"hunt\w*",
    r"gobbl\w*",
    r"poultry",
    r"drumstick\w*",
    r"carv\w+",
    r"sandwich\w*",
    r"bird\w*",
)
TURKEY_COUNTRY = _cues(
    r"turkish",
    r"ankara",
    r"istanbul",
    r"erdo[gğ]an",
    r"kurd\w*",
    r"syria\w*",
    r"nato",
    r"lira",
    r"bosphorus",
    r"t[üu]rkiye",
    r"turks",
)

NATIVE_AMERICAN = _cues(
    r"tribe\w*",
    r"tribal",
    r"reservation\w*",
    r"native american\w*",
    r"american indian\w*",
    r"cherokee",
    r"navajo",
    r"sioux",
    r"apache",
    r"choctaw",
    r"chickasaw",
    r"seminole",
    r"lakota",
    r"ojibwe",
    r"chippewa",
    r"iroquois",
    r"mohawk",
    r"pueblo",
    r"powwow",
    r"first nations",
    r"amérindien\w*",
)
INDIA_CUES = _cues(
    r"india",
    r"inde",
    r"new delhi",
    r"delhi",
    r"mumbai",
    r"hindu\w*",
    r"rupee\w*",
    r"modi",
    r"pakistan\w*",
    r"bollywood",
    r"bangalore",
    r"bengaluru",
    r"kolkata",
    r"chennai",
    r"kashmir\w*",
    r"gujarat",
    r"punjab\w*",
    r"bihar",
    r"kerala",
)

SOUTH_KOREA_CUES = _cues(
    r"seoul",
    r"s[ée]oul",
    r"samsung",
    r"hyundai",
    r"k pop",
    r"kpop",
    r"k drama",
    r"busan",
    r"incheon",
    r"gangnam",
    r"drakor",
    r"drama korea",
    r"yoon suk",
    r"moon jae",
    r"lee jae",
    r"park geun",
    r"korsel",
)
NORTH_KOREA_CUES = _cues(
    r"pyongyang",
    r"kim jong",
    r"kim il",
    r"juche",
    r"dprk",
    r"korut",
    r"kcna",
)
DR_CONGO_CUES = _cues(
    r"kinshasa",
    r"tshisekedi",
    r"kabila",
    r"goma",
    r"kivu",
    r"ituri",
    r"m23",
    r"katanga",
    r"lubumbashi",
    r"rdc",
    r"drc",
    r"kisangani",
    r"bukavu",
    r"mobutu",
    r"lumumba",
)
CONGO_REPUBLIC_CUES = _cues(r"brazzaville", r"sassou", r"nguesso", r"pointe noire")

_NAME_STOPWORDS = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "To",
        "From",
        "Of",
        "For",
        "With",
        "By",
        "And",
        "But",
        "Or",
        "As",
        "Against",
        "About",
        "Between",
        "Across",
        "Near",
        "Into",
        "Via",
        "Both",
        "Including",
        "Neighbouring",
        "Neighboring",
        "Di",
        "Ke",
        "Dari",
        "Dan",
        "Atau",
        "Dengan",
        "Untuk",
        "Oleh",
        "Pada",
        "Antara",
        "Le",
        "La",
        "Les",
        "Du",
        "Des",
        "De",
        "En",
        "Au",
        "Aux",
        "Et",
        "Ou",
        "Pour",
        "Par",
        "Avec",
        "Sur",
        "Vers",
        "Dans",
        "Entre",
        "Contre",
        "King",
        "Queen",
        "President",
        "Presiden",
        "Président",
        "Prime",
        "Minister",
        "Menteri",
        "Ministre",
        "Government",
        "Pemerintah",
        "Gouvernement",
        "Republic",
        "Republik",
        "République",
        "Embassy",
        "Kedutaan",
        "Ambassade",
        "Foreign",
        "Army",
        "Military",
        "Police",
        "Kingdom",
        "Kerajaan",
        "Royaume",
        "Negara",
        "État",
        "Etat",
        "Pays",
    ]
)
"""Capitalised words that may stand next to a country name without making it a person's."""

_PREVIOUS_WORD = re.compile(r"([^\W\d_][\w'’.-]*)[ \t]+$")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_][\w'’-]*)")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”(\n])\s*$")


def _is_name_word(word: str) -> bool:
    return word[0].isupper() and word.rstrip(".") not in _NAME_STOPWORDS


def name_like(text: str, start: int, end: int) -> bool:
    """True when a capitalised name stands right before or after: "Michael Jordan",
    "Jordan Henderson", "Georgia O'Keeffe". A sentence-initial word before is no evidence."""
    before = _PREVIOUS_WORD.search(text, max(0, start - 60), start)
    sentence_initial = before and _SENTENCE_END.search(
        text, max(0, before.start() - 3), before.start()
    )
    if before and _is_name_word(before.group(1)) and not sentence_initial:
        return True
    after = _NEXT_WORD.match(text, end)
    return bool(after and _is_name_word(after.group(1)))


def _count(pattern: re.Pattern[str], folded: str) -> int:
    return len(pattern.findall(folded))


def not_in_caps(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """ "US" only when its line has lower-case letters: in "TELL US WHY" it is the pronoun."""
    line_start = ctx.text.rfind("\n", 0, start) + 1
    line_end = ctx.text.find("\n", end)
    line = ctx.text[line_start : line_end if line_end >= 0 else len(ctx.text)]
    return iso3 if line != line.upper() else None


def person(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Jordan, Chad, Holland, Maurice: not next to another name, and the country's context."""
    if name_like(ctx.text, start, end):
        return None
    return cue(ctx, start, end, iso3)


def cue(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Only with a word of the country's context somewhere in the article."""
    return iso3 if COUNTRY_CUES[iso3].search(ctx.folded) else None


def georgia(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """The Caucasus country only when its context outweighs the US state's."""
    if name_like(ctx.text, start, end):
        return None
    country = _count(GEORGIA_COUNTRY, ctx.folded)
    state = _count(GEORGIA_US_STATE, ctx.folded)
    return iso3 if country > state else None


def washington(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """The US capital, unless a name is attached (Washington Post, George Washington) or the
    article is about the state (Seattle, Spokane) with nothing federal in it."""
    if name_like(ctx.text, start, end):
        return None
    if _count(WASHINGTON_STATE, ctx.folded) and not _count(WASHINGTON_CAPITAL, ctx.folded):
        return None
    return iso3


def turkey(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """The country, unless the article is about the bird and has nothing Turkish in it."""
    if _count(TURKEY_BIRD, ctx.folded) and not _count(TURKEY_COUNTRY, ctx.folded):
        return None
    return iso3


def indian(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """India's demonym, unless the article is about American Indians and not India."""
    if _count(NATIVE_AMERICAN, ctx.folded) and not _count(INDIA_CUES, ctx.folded):
        return None
    return iso3


def _one_side(ctx: RuleContext, a: str, b: str, cues_a, cues_b) -> str | None:
    """a or b when the article takes exactly one side, by countries found, then by cues."""
    has_a, has_b = a in ctx.found, b in ctx.found
    if has_a != has_b:
        return a if has_a else b
    if has_a:
        return None
    has_a, has_b = bool(cues_a.search(ctx.folded)), bool(cues_b.search(ctx.folded))
    if has_a != has_b:
        return a if has_a else b
    return None


def korea(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Bare Korea/Korean: KOR or PRK when the article is about one of them only."""
    return _one_side(ctx, "KOR", "PRK", SOUTH_KOREA_CUES, NORTH_KOREA_CUES)


def congo(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Bare Congo/Congolese: COD or COG when the article is about one of them only."""
    return _one_side(ctx, "COD", "COG", DR_CONGO_CUES, CONGO_REPUBLIC_CUES)


def needs_country(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Capitals that are mostly something else (Kingston, Lima): only beside their country."""
    return iso3 if iso3 in ctx.found else None


IMMEDIATE: dict[str, Rule] = {
    "not_in_caps": not_in_caps,
    "person": person,
    "cue": cue,
    "georgia": georgia,
    "washington": washington,
    "turkey": turkey,
    "indian": indian,
    "name_like": lambda ctx, start, end, iso3: None if name_like(ctx.text, start, end) else iso3,
}
DEFERRED: dict[str, Rule] = {"korea": korea, "congo": congo, "needs_country": needs_country}
