"""Border posts lie on borders.

"The passage of the Uzbek-Kyrgyz border (Dustlik post) took 1.5 hours" (held-out set 63):
the post is on the border the sentence names, and the town of Do'stlik in Jizzakh region,
250 km from Kyrgyzstan, is a namesake. A town read from a name right before a word for a
border post (``post_words`` in the qualifier lexicon) must lie within
``border_post_km`` of a country the sentence names beside its own (by name or by its
adjective: "Uzbek-Kyrgyz"), or of any other country when the sentence names none; a town
farther away goes to ``unresolved.csv``. Places the supplement or the registry knows as
crossings are not touched: they are the posts.
"""

from __future__ import annotations

import re
from functools import cache

from etl.places import qualifiers
from etl.schema import R_OUTSIDE
from etl.text import phrase_alternation


@cache
def _post_after() -> re.Pattern[str]:
    words = phrase_alternation(qualifiers.load_words().post_words)
    # (an Uzbek case ending may follow the post's word: "nazorat-o'tkazish punktida",
    # "чегара постидаги", held-out set 404)
    endings = "da|dan|ga|ning|ni|dagi|да|дан|га|нинг|ни|даги"
    return re.compile(
        rf"[)\"'\u00bb\u201d]?\s+(?:nazorat-)?(?:{words})(?:{endings})?(?!\w)", re.IGNORECASE
    )


@cache
def _post_before() -> re.Pattern[str]:
    """ "(the post Dustlik)", "checkpoint Dustlik" (held-out set 84): the word before the name."""
    words = phrase_alternation(qualifiers.load_words().post_words)
    return re.compile(rf"(?<!\w)(?:{words})\s+(?:of\s+)?[\"'\u00ab\u201c]?$", re.IGNORECASE)


def _named_as_post(text: str, start: int, end: int) -> bool:
    return bool(
        _post_after().match(text, end) or _post_before().search(text, max(0, start - 30), start)
    )


def off_the_border(text, resolved, sentences, countries, gazetteer):
    """``resolved`` without the towns named as border posts that lie off the border, and
    those towns as ``Rejected`` records."""
    from etl.places.resolve import Rejected

    words = qualifiers.load_words()
    if not words.post_words:
        return resolved, []
    kept, off = [], []
    for r in resolved:
        place = r.place
        if place.kind != "city" or not _named_as_post(text, r.mention.start, r.mention.end):
            kept.append(r)
            continue
        start, end = sentences.around(r.mention.start, r.mention.end)
        others = sorted(
            _countries_named(text, start, end, resolved, words, gazetteer) - {place.country}
        )
        if not others:
            # '"Do'stlik" nazorat-o'tkazish punktida' under a headline on the Uzbek-Kyrgyz
            # border (held-out set 404): the border the story names
            others = sorted(
                _countries_named(text, 0, len(text), resolved, words, gazetteer) - {place.country}
            )
        if others:
            near = [countries.km_to(c, place.lon, place.lat) for c in others]
        else:
            near = [countries.nearest_foreign_km(place.country, place.lon, place.lat)]
        if any(d is not None and d <= words.border_post_km for d in near):
            kept.append(r)
            continue
        what = ", ".join(others) if others else "any other country"
        why = (
            f"a border post, but {place.name} lies far from {what}: {place.name} ({place.country})"
        )
        off.append(Rejected(r.mention, R_OUTSIDE, why))
    return kept, off


def _countries_named(text, start, end, resolved, words, gazetteer) -> set[str]:
    """The countries named between ``start`` and ``end``: by name, or by the adjective of
    their people ("Uzbek-Kyrgyz", "O'zbek-qirg'iz")."""
    named = {
        o.place.country
        for o in resolved
        if o.place.kind == "country" and start <= o.mention.start < end
    }
    stretch = text[start:end]
    for adjective, capital in words.capitals.items():
        if re.search(rf"\b{re.escape(adjective)}\b", stretch):
            city = gazetteer.lookup(capital)
            if city is not None:
                named.add(city.country)
    return named
