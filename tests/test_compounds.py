"""Hyphenated names: one local name ("Kosh-Dobo") or a chain of known towns ("Bishkek-Kara-Balta")."""

from etl.places.compounds import local_compounds

# towns a gazetteer knows: Kosh (Armenia) and Dobo (Indonesia) are real namesakes abroad
KNOWN = {"Bishkek", "Kara-Balta", "Kara-Suu", "Kara", "Kosh", "Dobo", "Naryn"}


def _local(text):
    return [text[s:e] for s, e in local_compounds(text, KNOWN.__contains__)]


def test_a_compound_of_local_words_is_one_name_though_its_parts_are_towns_abroad():
    assert _local("power reached the Kosh-Dobo substation") == ["Kosh-Dobo"]


def test_hyphens_between_known_towns_are_a_chain_not_one_name():
    # "Suu" (water) makes a compound, but the pieces are three towns of the atlas
    assert _local("the Bishkek-Kara-Balta-Kara-Suu road") == []
    assert _local("the Naryn-Kara-Suu road") == []


def test_a_chain_needs_every_piece_known():
    # "Zzyx" is no town: the whole is one unknown local name, not a route from Bishkek
    assert _local("the Bishkek-Zzyx-Suu road") == ["Bishkek-Zzyx-Suu"]
