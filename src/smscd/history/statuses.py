"""Message status codes and their names (compat.md, "Message status codes")."""

from __future__ import annotations

STATUS_NAMES: dict[int, tuple[str, str]] = {
    -3: ("Сообщение не найдено", "Message not found"),
    -2: ("Остановлено", "Stopped"),
    -1: ("Ожидает отправки", "Waiting to be sent"),
    0: ("Передано оператору", "Transferred to the operator"),
    1: ("Доставлено", "Delivered"),
    2: ("Прочитано", "Read"),
    3: ("Просрочено", "Expired"),
    4: ("Нажата ссылка", "Link clicked"),
    20: ("Невозможно доставить", "Cannot be delivered"),
    22: ("Неверный номер", "Invalid number"),
    23: ("Запрещено", "Prohibited"),
    24: ("Недостаточно средств на счете", "Insufficient funds"),
    25: ("Недоступный номер", "Unavailable number"),
}

STATUSES = tuple(STATUS_NAMES)


def status_name(status: int, language: str) -> str:
    names = STATUS_NAMES.get(status)
    if names is None:
        return str(status)
    return names[1] if language == "en" else names[0]
