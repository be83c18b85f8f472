"""Every word the bot says to people, in Persian, in one place.

Placeholders are filled by the handlers with text already escaped for HTML.
"""

from __future__ import annotations

WELCOME = (
    "سلام! من <b>سخن</b> هستم: بیانیه‌ها و اخبار رسمی روابط عمومی‌ها را جست‌وجو می‌کنم، "
    "نقل‌قول سخنگویان را پیدا می‌کنم و خلاصه یا متن کامل هر خبر را می‌فرستم.\n\n"
    "کافی است چند واژه بنویسید تا جست‌وجو کنم، یا از فرمان‌ها کمک بگیرید:"
)
HELP_TITLE = "<b>فرمان‌های سخن</b>"
HELP_QUERY = (
    "\n<b>جست‌وجو</b>: همهٔ واژه‌ها باید بیایند؛ "
    "<code>\"عبارت دقیق\"</code>، <code>-واژه</code> برای کنار گذاشتن، <code>پیشوند*</code>.\n"
    "در هر گفت‌وگویی هم می‌توانید بنویسید <code>@{bot} واژه</code>."
)

# Commands: what /help and Telegram's command menu show.
CMD_START = "آغاز و راهنمای کوتاه"
CMD_HELP = "فهرست فرمان‌ها"
CMD_FIND = "جست‌وجو در بیانیه‌ها"
CMD_LATEST = "تازه‌ترین بیانیه‌ها"
CMD_ARTICLE = "متن کامل یک بیانیه"
CMD_SUMMARY = "خلاصهٔ یک بیانیه"
CMD_QUOTE = "نقل‌قول‌های یک سخنگو"
CMD_SPEAKERS = "سخنگویان و شمار نقل‌قول‌ها"

USAGE_FIND = "چه چیزی را جست‌وجو کنم؟ مثلاً:\n<code>/find اطلاع رسانی</code>"
USAGE_ARTICLE = "شمارهٔ بیانیه را هم بنویسید، مثلاً:\n<code>/{command} 1</code>"
USAGE_QUOTE = "نام یا سمت سخنگو را بنویسید، مثلاً:\n<code>/quote خامسیان</code>"

NO_RESULTS = (
    "برای «{query}» چیزی پیدا نشد. واژه‌های کمتر یا املای دیگری را امتحان کنید، "
    "مثلاً <code>/find روابط عمومی</code>."
)
QUERY_CUT = "⚠️ پرسش بلند بود و تنها {limit} نویسهٔ نخست آن جست‌وجو شد."
NOTHING_TO_SEARCH = "در این پرسش واژه‌ای برای جست‌وجو نیافتم. مثلاً بنویسید: <code>/find اطلاع رسانی</code>"
RESULTS_HEADER = "🔎 نتیجه‌های «{query}» — صفحهٔ {page}"
SEARCH_EXPIRED = "این جست‌وجو کهنه شده است؛ لطفاً دوباره جست‌وجو کنید."
LATEST_HEADER = "🗞 <b>تازه‌ترین بیانیه‌ها</b>"
EMPTY_ARCHIVE = "هنوز بیانیه‌ای در بایگانی نیست."

NOT_AN_ID = "«{text}» شمارهٔ بیانیه نیست. مثلاً: <code>/{command} 1</code>"
NO_ARTICLE = "بیانیهٔ شمارهٔ {id} پیدا نشد. برای دیدن تازه‌ترین‌ها <code>/latest</code> را بفرستید."
SUMMARY_LABEL = "<b>خلاصه</b>"
NO_QUOTES_IN_ARTICLE = "در این بیانیه نقل‌قولی نیافتم."
QUOTES_IN_ARTICLE = "💬 <b>نقل‌قول‌های بیانیهٔ {id}</b>"

NO_SPEAKER = "سخنگویی با نام یا سمت «{name}» نیافتم. فهرست سخنگویان: <code>/speakers</code>"
PICK_SPEAKER = "چند نفر با «{name}» جور درمی‌آیند؛ کدام را می‌خواهید؟"
QUOTES_HEADER = "💬 <b>نقل‌قول‌های {name}</b> — صفحهٔ {page}"
SPEAKERS_HEADER = "🎙 <b>سخنگویان</b>"
NO_SPEAKERS = "هنوز نقل‌قولی در بایگانی نیست."
QUOTE_COUNT = "{count} نقل‌قول"

UNKNOWN_COMMAND = "فرمان «{command}» را نمی‌شناسم. فهرست فرمان‌ها: /help"
ERROR = "متأسفم، در پاسخ به این پیام خطایی پیش آمد. لطفاً کمی بعد دوباره امتحان کنید."
INLINE_READ_MORE = "متن کامل"

BUTTON_SUMMARY = "خلاصه"
BUTTON_QUOTES = "نقل‌قول‌ها"
BUTTON_FULL = "متن کامل"
BUTTON_PREVIOUS = "▶️ قبلی"
BUTTON_NEXT = "بعدی ◀️"
