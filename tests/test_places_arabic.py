"""Towns' names in the Arabic script (Persian, Dari, Uyghur): which the index keeps."""

from etl.places import arabic


def test_a_name_in_arabic_letters_is_kept_in_persian_letters_too():
    # GeoNames lists Kabul as "كابل" (Arabic kaf); a Dari page writes "کابل" (keheh)
    names = arabic.names_of_city(["Kabul", "كابل"], 4_434_550, local=True)
    assert "کابل" in names and "كابل" in names
    assert "Kabul" not in names


def test_a_city_abroad_named_like_a_common_persian_word_is_left_out():
    # "باری" (freight, as in "قطار باری") is also Bari's name in GeoNames
    assert arabic.names_of_city(["باری"], 316_000, local=False) == []


def test_a_large_town_of_the_region_keeps_a_name_that_is_also_a_word():
    # "هرات" is a frequent word in Persian news because it is Herat
    assert "هرات" in arabic.names_of_city(["هرات"], 574_300, local=True)
    # ... but a village of the same name would not be kept
    assert arabic.names_of_city(["هرات"], 13_032, local=True) == []


def test_days_and_months_are_no_names():
    assert arabic.names_of_city(["شنبه", "مهر"], 500_000, local=True) == []
