"""Reading places: the regional supplement, transliteration, people and organisations,
qualifiers that set where a place must be."""
