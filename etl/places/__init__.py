"""Reading places: the gazetteer and its regional supplement, transliteration, people and
organisations, qualifiers that set where a place must be, and resolution to one place.
"""
