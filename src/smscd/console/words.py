"""The console's words in its two languages, chosen by the account's ``language`` (the login
page, before there is an account, by the browser's Accept-Language)."""

from __future__ import annotations

from collections.abc import Mapping

WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "smscd console",
        "login": "Login",
        "password": "Password",
        "sign_in": "Log in",
        "sign_out": "Log out",
        "wrong": "Wrong login or password.",
        "blocked": "Too many failed logins from this address; try again later.",
        "history": "Sent messages",
        "incoming": "Incoming messages",
        "send": "Send",
        "from": "From (DD.MM.YYYY)",
        "to": "To (DD.MM.YYYY)",
        "phone": "Phone",
        "phones": "Phone numbers (one per line or comma-separated)",
        "status": "Status",
        "any": "any",
        "filter": "Show",
        "sent_at": "Sent",
        "checked_at": "Status time",
        "cost": "Cost",
        "sender": "Sender",
        "text": "Text",
        "parts": "Parts",
        "older": "Older messages",
        "nothing": "Nothing found.",
        "received_at": "Received",
        "from_phone": "From",
        "to_phone": "To",
        "live": "Updates every few seconds.",
        "get_cost": "Show the cost",
        "confirm": "Send now",
        "will_cost": "This send costs",
        "sent_ok": "Accepted: send id",
        "error": "Error",
        "skip": "Skip to content",
        "nav": "Sections",
        "stats": "Statistics",
        "messages": "Messages",
        "spent": "Spent",
        "paid": "Paid in",
        "day": "Day",
        "per_status": "Messages per status",
        "count": "Count",
        "chart": "Messages per day",
        "timeline": "Status timeline",
        "accepted": "Accepted",
        "attempt": "Delivery try",
        "now": "Status now",
        "not_found": "No such message.",
        "details": "details",
    },
    "ru": {
        "title": "Консоль smscd",
        "login": "Логин",
        "password": "Пароль",
        "sign_in": "Войти",
        "sign_out": "Выйти",
        "wrong": "Неверный логин или пароль.",
        "blocked": "Слишком много неудачных входов с этого адреса; попробуйте позже.",
        "history": "Отправленные",
        "incoming": "Входящие",
        "send": "Отправить",
        "from": "С (ДД.ММ.ГГГГ)",
        "to": "По (ДД.ММ.ГГГГ)",
        "phone": "Телефон",
        "phones": "Номера (по одному в строке или через запятую)",
        "status": "Статус",
        "any": "любой",
        "filter": "Показать",
        "sent_at": "Отправлено",
        "checked_at": "Время статуса",
        "cost": "Стоимость",
        "sender": "Отправитель",
        "text": "Текст",
        "parts": "Частей",
        "older": "Более ранние",
        "nothing": "Ничего не найдено.",
        "received_at": "Получено",
        "from_phone": "От",
        "to_phone": "Кому",
        "live": "Обновляется каждые несколько секунд.",
        "get_cost": "Узнать стоимость",
        "confirm": "Отправить сейчас",
        "will_cost": "Стоимость рассылки",
        "sent_ok": "Принято: id рассылки",
        "error": "Ошибка",
        "skip": "К содержимому",
        "nav": "Разделы",
        "stats": "Статистика",
        "messages": "Сообщений",
        "spent": "Расход",
        "paid": "Пополнения",
        "day": "День",
        "per_status": "Сообщения по статусам",
        "count": "Количество",
        "chart": "Сообщения по дням",
        "timeline": "История статусов",
        "accepted": "Принято",
        "attempt": "Попытка доставки",
        "now": "Статус сейчас",
        "not_found": "Нет такого сообщения.",
        "details": "подробно",
    },
}


def words(language: str) -> Mapping[str, str]:
    return WORDS.get(language, WORDS["ru"])


def browser_language(accept_language: str) -> str:
    """``en`` when the browser puts English before Russian, else ``ru``."""
    for part in accept_language.lower().split(","):
        tag = part.split(";", 1)[0].strip()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("ru"):
            return "ru"
    return "ru"
