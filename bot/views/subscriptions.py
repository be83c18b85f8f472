"""A chat's subscriptions as a list with 🗑 buttons, and what subscribing answers."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import strings
from bot.callbacks import Action, Buttons
from bot.render import escape
from bot.views.common import View, digits
from storage.db.subscriptions import MAX_SUBSCRIPTIONS
from storage.models import SubscribeResult, SubscribeStatus, Subscription, SubscriptionKind

_PER_ROW = 5


def describe(subscription: Subscription) -> str:
    if subscription.kind is SubscriptionKind.QUERY:
        return strings.SUBSCRIPTION_QUERY.format(query=escape(subscription.label))
    if subscription.kind is SubscriptionKind.SPEAKER:
        return strings.SUBSCRIPTION_SPEAKER.format(name=escape(subscription.label))
    return strings.SUBSCRIPTION_ALL


def listing_view(items: Sequence[Subscription], buttons: Buttons) -> View:
    if not items:
        return strings.NO_SUBSCRIPTIONS, None
    lines = [strings.SUBSCRIPTIONS_HEADER, ""]
    lines += [f"{digits(i)}. {describe(s)}" for i, s in enumerate(items, 1)]
    lines += ["", strings.SUBSCRIPTIONS_FOOTER]
    removes = [InlineKeyboardButton(strings.BUTTON_REMOVE.format(number=digits(i)),
                                    callback_data=buttons(Action.UNSUBSCRIBE, s.id))
               for i, s in enumerate(items, 1)]
    rows = [removes[i:i + _PER_ROW] for i in range(0, len(removes), _PER_ROW)]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def subscribed_text(result: SubscribeResult, added: str) -> str:
    if result.status is SubscribeStatus.LIMIT:
        return strings.TOO_MANY_SUBSCRIPTIONS.format(limit=digits(MAX_SUBSCRIPTIONS))
    if result.status is SubscribeStatus.EXISTS:
        return strings.ALREADY_SUBSCRIBED
    return added
