from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from etl.text import SentenceIndex, normalise, sentence_spans


def test_typographic_marks_fold_one_for_one():
    raw = "Xi\u2019an \u2013 Horgos\u00a0dry port \u201cKhorgos\u201d"
    clean = normalise(raw)
    assert clean == 'Xi\'an - Horgos dry port "Khorgos"'
    assert len(clean) == len(raw)


def test_sentences_split_on_full_stops_and_lines_not_abbreviations():
    text = "Mr. Wang went to Almaty. Then he flew to Astana!\nHeading line\nU.S. officials agreed."
    quotes = [text[s:e] for s, e in sentence_spans(text)]
    assert quotes == [
        "Mr. Wang went to Almaty.",
        "Then he flew to Astana!",
        "Heading line",
        "U.S. officials agreed.",
    ]


def test_sentences_split_in_a_script_without_capitals():
    # Persian (held-out set 407): a full stop or "؟" before a letter that has no case ends a
    # sentence, so a source's quote is its own sentence, not the paragraph
    text = "خط آهن حیرتان - مزار شریف تعمیر می‌شود. مسیر ریلی خواف به هرات کامل است؟ بله."
    quotes = [text[s:e] for s, e in sentence_spans(text)]
    assert quotes == [
        "خط آهن حیرتان - مزار شریف تعمیر می‌شود.",
        "مسیر ریلی خواف به هرات کامل است؟",
        "بله.",
    ]


def test_sentence_around_an_offset_holds_it():
    text = "First one. Second one names Osh here. Third."
    idx = SentenceIndex(text)
    s, e = idx.around(text.index("Osh"))
    assert text[s:e] == "Second one names Osh here."


@given(st.text())
def test_normalise_never_changes_length(raw):
    assert len(normalise(raw)) == len(raw)


@given(st.text())
def test_sentence_spans_are_ordered_trimmed_and_inside(text):
    spans = sentence_spans(text)
    last = 0
    for s, e in spans:
        assert last <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        last = e


def test_ascii_fold_handles_letters_without_a_decomposition():
    from etl.text import ascii_fold

    assert ascii_fold("Łódź") == "Lodz"
    assert ascii_fold("Türkmenbaşy") == "Turkmenbasy"
    assert ascii_fold("Straße") == "Strasse"


def test_cyrillic_look_alikes_inside_latin_words_are_read_as_latin():
    """A scraped "Dongsh\u0435ng" (Cyrillic e) is Dongsheng, one character for one, so
    quotes keep their offsets; Cyrillic words and Latin words beside them are left alone."""
    mixed = "Hongyuan Dongsh\u0435ng Stone and Xiangh\u0435 Zhi Chen"
    assert normalise(mixed) == "Hongyuan Dongsheng Stone and Xianghe Zhi Chen"
    assert len(normalise(mixed)) == len(mixed)
    russian = "\u0410\u043a\u0442\u0430\u0443 \u0438 XUAR \u0432 \u0411\u0438\u0448\u043a\u0435\u043a\u0435"
    assert normalise(russian) == russian


def test_two_apostrophes_around_a_name_are_a_double_quote():
    """ "head of \u2018\u2018Jianhua Ceramics\u2019\u2019" (held-out set 65): the pairs of
    single quotes are double quotes, so the firm's name starts at a word's edge; an
    apostrophe inside a name or after a plural is left alone; the length stays."""
    raw = "head of \u2018\u2018Jianhua Ceramics\u2019\u2019, Xi\u2019an and the firms' plans"
    clean = normalise(raw)
    assert clean == 'head of ""Jianhua Ceramics"", Xi\'an and the firms\' plans'
    assert len(clean) == len(raw)
    assert normalise("the zone ''Kokand''.") == 'the zone ""Kokand"".'


def test_turkish_dotted_capital_i_lower_cases_to_a_plain_i_in_place():
    """ "Şanghay İşbirliği Örgütü" (held-out set 223) matches its lower-case name, and every
    character keeps its offset (Python lower-cases İ to two characters)."""
    from etl.text import lower_same_length

    text = "Şanghay İşbirliği Örgütü'nün İstanbul"
    low = lower_same_length(text)
    assert len(low) == len(text)
    assert low == "şanghay işbirliği örgütü'nün istanbul"
