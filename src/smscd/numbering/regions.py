"""Russia's federal subjects and the IANA time zone of each, found in the plan's "Регион".

Rossvyaz writes a region in many ways: ``г. Москва * Московская область`` and ``г. Москва
и Московская область``, ``Свердловская обл.``, ``Республика Саха /Якутия/``, ``Ханты -
Мансийский - Югра АО``, ``Кемеровская область - Кузбасс``, and ``-`` for none. So a subject
is recognised by a distinctive stem of its name, not by equality: :func:`zone_of` finds the
subjects a text names and takes the zone of the first one it mentions (a combined region,
like Moscow with its oblast, lies in one zone anyway).

A subject that spans several zones gets its capital's (Yakutia: Asia/Yakutsk); a subject
without an IANA zone of its own gets the zone its clocks follow (ДНР, ЛНР, Запорожская and
Херсонская области: Europe/Moscow). docs/numbering.md lists the decisions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Subject:
    name: str  # as the plan usually writes it
    zone: str  # IANA zone
    stem: re.Pattern[str]  # matches a normalised region text naming this subject


def _subject(name: str, zone: str, stem: str) -> Subject:
    return Subject(name, zone, re.compile(stem))


MOSCOW = "Europe/Moscow"
YEKATERINBURG = "Asia/Yekaterinburg"
KRASNOYARSK = "Asia/Krasnoyarsk"
VLADIVOSTOK = "Asia/Vladivostok"

# The 89 subjects of the Constitution's article 65 (as amended in 2014 and 2022).
SUBJECTS: tuple[Subject, ...] = (
    # Republics
    _subject("Республика Адыгея", MOSCOW, r"адыге"),
    _subject("Республика Алтай", "Asia/Barnaul", r"(?<![-\w])алтай(?![-\w])|горно-алтай"),
    _subject("Республика Башкортостан", YEKATERINBURG, r"башк"),
    _subject("Республика Бурятия", "Asia/Irkutsk", r"бурят"),
    _subject("Республика Дагестан", MOSCOW, r"дагестан"),
    _subject("Республика Ингушетия", MOSCOW, r"ингуш"),
    _subject("Кабардино-Балкарская Республика", MOSCOW, r"кабардин"),
    _subject("Республика Калмыкия", MOSCOW, r"калмык"),
    _subject("Карачаево-Черкесская Республика", MOSCOW, r"карачаев"),
    _subject("Республика Карелия", MOSCOW, r"карел"),
    _subject("Республика Коми", MOSCOW, r"(?<![-\w])коми(?![-\w])"),
    _subject("Республика Крым", "Europe/Simferopol", r"крым"),
    _subject("Республика Марий Эл", MOSCOW, r"марий"),
    _subject("Республика Мордовия", MOSCOW, r"мордов"),
    _subject("Республика Саха (Якутия)", "Asia/Yakutsk", r"(?<![-\w])саха(?![-\w])|якут"),
    _subject("Республика Северная Осетия - Алания", MOSCOW, r"осети|алания"),
    _subject("Республика Татарстан", MOSCOW, r"татарстан"),
    _subject("Республика Тыва", KRASNOYARSK, r"тыва|тува"),
    _subject("Удмуртская Республика", "Europe/Samara", r"удмурт"),
    _subject("Республика Хакасия", KRASNOYARSK, r"хакас"),
    _subject("Чеченская Республика", MOSCOW, r"чечен"),
    _subject("Чувашская Республика", MOSCOW, r"чуваш"),
    _subject("Донецкая Народная Республика", MOSCOW, r"донецк"),
    _subject("Луганская Народная Республика", MOSCOW, r"луганск"),
    # Krais
    _subject("Алтайский край", "Asia/Barnaul", r"алтайск"),
    _subject("Забайкальский край", "Asia/Chita", r"забайкальск|читинск|агинск"),
    _subject("Камчатский край", "Asia/Kamchatka", r"камчат|коряк"),
    _subject("Краснодарский край", MOSCOW, r"краснодар"),
    _subject("Красноярский край", KRASNOYARSK, r"красноярск|таймыр|эвенк"),
    _subject("Пермский край", YEKATERINBURG, r"пермск|коми-пермяц"),
    _subject("Приморский край", VLADIVOSTOK, r"приморск"),
    _subject("Ставропольский край", MOSCOW, r"ставрополь"),
    _subject("Хабаровский край", VLADIVOSTOK, r"хабаровск"),
    # Oblasts
    _subject("Амурская обл.", "Asia/Yakutsk", r"амурск"),
    _subject("Архангельская обл.", MOSCOW, r"архангельск"),
    _subject("Астраханская обл.", "Europe/Astrakhan", r"астрахан"),
    _subject("Белгородская обл.", MOSCOW, r"белгород"),
    _subject("Брянская обл.", MOSCOW, r"брянск"),
    _subject("Владимирская обл.", MOSCOW, r"владимирск"),
    _subject("Волгоградская обл.", "Europe/Volgograd", r"волгоград"),
    _subject("Вологодская обл.", MOSCOW, r"вологод"),
    _subject("Воронежская обл.", MOSCOW, r"воронеж"),
    _subject("Запорожская обл.", MOSCOW, r"запорож"),
    _subject("Ивановская обл.", MOSCOW, r"ивановск"),
    _subject("Иркутская обл.", "Asia/Irkutsk", r"иркутск|усть-ордын"),
    _subject("Калининградская обл.", "Europe/Kaliningrad", r"калининград"),
    _subject("Калужская обл.", MOSCOW, r"калужск"),
    _subject("Кемеровская обл.", "Asia/Novokuznetsk", r"кемеров|кузбасс"),
    _subject("Кировская обл.", "Europe/Kirov", r"кировск"),
    _subject("Костромская обл.", MOSCOW, r"костром"),
    _subject("Курганская обл.", YEKATERINBURG, r"курганск"),
    _subject("Курская обл.", MOSCOW, r"(?<![-\w])курская"),
    _subject("Ленинградская обл.", MOSCOW, r"ленинградск"),
    _subject("Липецкая обл.", MOSCOW, r"липецк"),
    _subject("Магаданская обл.", "Asia/Magadan", r"магадан"),
    _subject("Московская обл.", MOSCOW, r"московск"),
    _subject("Мурманская обл.", MOSCOW, r"мурманск"),
    _subject("Нижегородская обл.", MOSCOW, r"нижегород"),
    _subject("Новгородская обл.", MOSCOW, r"(?<![-\w])новгородск"),
    _subject("Новосибирская обл.", "Asia/Novosibirsk", r"новосибирск"),
    _subject("Омская обл.", "Asia/Omsk", r"(?<![-\w])омская"),
    _subject("Оренбургская обл.", YEKATERINBURG, r"оренбург"),
    _subject("Орловская обл.", MOSCOW, r"орловск"),
    _subject("Пензенская обл.", MOSCOW, r"пензен"),
    _subject("Псковская обл.", MOSCOW, r"псковск"),
    _subject("Ростовская обл.", MOSCOW, r"ростовск"),
    _subject("Рязанская обл.", MOSCOW, r"рязан"),
    _subject("Самарская обл.", "Europe/Samara", r"самарск"),
    _subject("Саратовская обл.", "Europe/Saratov", r"саратов"),
    _subject("Сахалинская обл.", "Asia/Sakhalin", r"сахалин"),
    _subject("Свердловская обл.", YEKATERINBURG, r"свердловск"),
    _subject("Смоленская обл.", MOSCOW, r"смоленск"),
    _subject("Тамбовская обл.", MOSCOW, r"тамбов"),
    _subject("Тверская обл.", MOSCOW, r"тверск"),
    _subject("Томская обл.", "Asia/Tomsk", r"(?<![-\w])томская"),
    _subject("Тульская обл.", MOSCOW, r"тульск"),
    _subject("Тюменская обл.", YEKATERINBURG, r"тюмен"),
    _subject("Ульяновская обл.", "Europe/Ulyanovsk", r"ульяновск"),
    _subject("Херсонская обл.", MOSCOW, r"херсон"),
    _subject("Челябинская обл.", YEKATERINBURG, r"челябинск"),
    _subject("Ярославская обл.", MOSCOW, r"ярославск"),
    # Cities of federal significance
    _subject("г. Москва", MOSCOW, r"(?<![-\w])москва"),
    _subject("г. Санкт-Петербург", MOSCOW, r"петербург"),
    _subject("г. Севастополь", "Europe/Simferopol", r"севастопол"),
    # The autonomous oblast and okrugs
    _subject("Еврейская автономная обл.", VLADIVOSTOK, r"еврейск"),
    _subject("Ненецкий АО", MOSCOW, r"(?<![-\w])ненецк"),
    _subject("Ханты-Мансийский - Югра АО", YEKATERINBURG, r"ханты|югра"),
    _subject("Чукотский АО", "Asia/Anadyr", r"чукот"),
    _subject("Ямало-Ненецкий АО", YEKATERINBURG, r"ямало"),
)

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"\s*[-‐‑–—]\s*")


def normalise(text: str) -> str:
    """Lower case, ``ё`` as ``е``, one kind of dash with no space around it."""
    lowered = _SPACES.sub(" ", text.lower().replace("ё", "е")).strip()
    return _DASHES.sub("-", lowered)


@lru_cache(maxsize=4096)
def subjects_of(text: str) -> tuple[Subject, ...]:
    """The subjects ``text`` names, in the order it names them."""
    normal = normalise(text)
    found: list[tuple[int, Subject]] = []
    for subject in SUBJECTS:
        match = subject.stem.search(normal)
        if match:
            found.append((match.start(), subject))
    return tuple(subject for _, subject in sorted(found, key=lambda item: item[0]))


def zone_of(*texts: str) -> str:
    """The zone of the first of ``texts`` that names a subject; empty when none does."""
    for text in texts:
        subjects = subjects_of(text)
        if subjects:
            return subjects[0].zone
    return ""
