"""The demo's world: operators, regions, prices, senders and message texts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Network:
    country: str
    operator: str
    mccmnc: str
    prefixes: tuple[str, ...]  # leading digits of its numbers, country code included
    length: int  # digits of a full number
    price: int  # hundredths of RUB per SMS part
    weight: int


NETWORKS = (
    Network("Россия", "МТС", "25001", ("7910", "7915", "7916", "7985", "7919"), 11, 450, 30),
    Network("Россия", "МегаФон", "25002", ("7920", "7925", "7926", "7929", "7999"), 11, 460, 26),
    Network("Россия", "Билайн", "25099", ("7903", "7905", "7906", "7909", "7962"), 11, 455, 22),
    Network("Россия", "Tele2", "25020", ("7900", "7950", "7951", "7952", "7977"), 11, 440, 18),
    Network("Россия", "Yota", "25011", ("7999",), 11, 430, 3),
    Network("Россия", "МОТИВ", "25035", ("7902",), 11, 420, 2),
    Network("Россия", "СберМобайл", "25050", ("7958",), 11, 440, 2),
    Network("Казахстан", "Beeline KZ", "40101", ("7705", "7777"), 11, 820, 3),
    Network("Казахстан", "Kcell", "40102", ("7701", "7702"), 11, 820, 2),
    Network("Беларусь", "A1", "25701", ("37529", "37544"), 12, 1150, 2),
    Network("Беларусь", "МТС Беларусь", "25702", ("37533",), 12, 1150, 1),
    Network("Узбекистан", "Beeline UZ", "43404", ("99890", "99891"), 12, 990, 1),
    Network("Армения", "Team", "28301", ("37477", "37493"), 11, 1040, 1),
    Network("Германия", "Telekom", "26201", ("49151", "49160"), 13, 780, 1),
)

RUSSIAN_REGIONS = (
    "г. Москва * Московская область",
    "г. Санкт-Петербург * Ленинградская область",
    "Свердловская обл.",
    "Новосибирская обл.",
    "Краснодарский край",
    "Республика Татарстан",
    "Саратовская обл.",
    "Нижегородская обл.",
    "Приморский край",
    "Калининградская обл.",
)

FOREIGN_REGIONS = {
    "Казахстан": ("Алматы", "Астана", ""),
    "Беларусь": ("Минск", "Гомельская обл.", ""),
    "Узбекистан": ("Ташкент", ""),
    "Армения": ("Ереван", ""),
    "Германия": ("",),
}

SENDERS = ("SMSC.RU", "MyShop", "Taxi24", "BANK", "Клиника", "")

EMAIL_PRICE = 15  # hundredths of RUB
EMAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "example.org", "inbox.ru")

TEXTS = (
    "Ваш код подтверждения: {code}",
    "Your verification code: {code}",
    "Заказ №{order} собран и ждёт вас в пункте выдачи до {day}.",
    "Скидка 20% на всё & бесплатная доставка <только сегодня>!",
    'Привет, "друг"! Мы скучаем 😀 Загляните к нам: https://example.org/s/{code}',
    "Order #{order} shipped, tracking: RU{code}XX. Thanks, <Team> & co.",
    "Запись к врачу подтверждена: {day}, 10:30.\nКабинет 214.",
    "Баланс пополнен на {amount} руб. Спасибо, что вы с нами!",
    "Такси будет через 5 минут: белый Kia Rio, номер А{code}МР.",
    "Напоминание: платёж по кредиту {amount} ₽ до {day}. Не забудьте 🙂",
    'Line one, line two\nand a third, with commas, "quotes" and <tags>',
    "Ваш пароль для входа: {code}. Никому его не сообщайте.",
    "Акция! 2 пиццы по цене 1 🍕🍕 Промокод PIZZA{code}",
    "Hello! Your appointment on {day} is confirmed. Reply STOP to opt out.",
)

EMAIL_TEXTS = (
    "Счёт №{order} на сумму {amount} руб. во вложении",
    "Newsletter: what's new in {day} & <more>",
    "Подтвердите адрес: https://example.org/confirm/{code}",
)

ANSWERS = (
    "Да",
    "Нет",
    "STOP",
    "Спасибо!",
    "Перезвоните, пожалуйста",
    "OK, thanks",
    "Когда будет доставка? 🤔",
    'Отпишите меня, "пожалуйста", от рассылки & всего остального',
    "1",
    "Хорошо,\nбуду в 10",
)

# (status, weight, possible err codes)
STATUSES = (
    (1, 640, (0,)),
    (0, 50, (0,)),
    (-1, 15, (0,)),
    (2, 30, (0,)),
    (4, 20, (0,)),
    (3, 40, (245, 6)),
    (20, 60, (1, 6, 11, 12, 13, 21, 219, 220, 240, 248, 253, 254, 255)),
    (22, 40, (1, 249)),
    (23, 20, (244, 250, 252)),
    (24, 10, (0,)),
    (25, 40, (6, 1, 13)),
    (-2, 15, (0,)),
    (-3, 10, (0,)),
)
