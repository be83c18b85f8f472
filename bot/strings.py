"""Every word the bot says to people, in Persian, in one place.

Placeholders are filled by the views with text already escaped for HTML, and numbers
already in Persian digits.
"""

from __future__ import annotations

from storage.errors import FeedProblem, Rejection

WELCOME = (
    "سلام! من <b>سخن</b> هستم: بیانیه‌ها و اخبار رسمی روابط عمومی‌ها را جست‌وجو می‌کنم، "
    "نقل‌قول سخنگویان را پیدا می‌کنم و خلاصه یا متن کامل هر خبر را می‌فرستم.\n\n"
    "کافی است چند واژه بنویسید تا جست‌وجو کنم، یا از فرمان‌ها کمک بگیرید:"
)
HELP_TITLE = "<b>فرمان‌های سخن</b>"
HELP_QUERY = (
    "\n<b>جست‌وجو</b>: همهٔ واژه‌ها باید بیایند؛ "
    "<code>«عبارت دقیق»</code>، <code>-واژه</code> برای کنار گذاشتن، <code>پیشوند*</code>، "
    "<code>منبع:استانداری</code> و <code>از:۱۴۰۴/۰۹/۰۱ تا:۱۴۰۴/۰۹/۳۰</code>."
)
HELP_INLINE = "در هر گفت‌وگویی هم می‌توانید بنویسید <code>@{bot} واژه</code>."

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
RESULTS_HEADER = "🔎 نتیجه‌های «{query}» — {count} بیانیه، صفحهٔ {page}"
RESULTS_MANY = "بیش از {count}"
BUTTON_EXPIRED = "این دکمه دیگر کار نمی‌کند؛ لطفاً دوباره جست‌وجو کنید."
LATEST_HEADER = "🗞 <b>تازه‌ترین بیانیه‌ها</b> — صفحهٔ {page}"
EMPTY_ARCHIVE = "هنوز بیانیه‌ای در بایگانی نیست."

NOT_AN_ID = "«{text}» شمارهٔ بیانیه نیست. مثلاً: <code>/{command} 1</code>"
NO_ARTICLE = "بیانیهٔ شمارهٔ {id} پیدا نشد. برای دیدن تازه‌ترین‌ها <code>/latest</code> را بفرستید."
SUMMARY_LABEL = "<b>خلاصه</b>"
FULL_AS_FILE = "این بیانیه بلند است؛ متن کامل آن در این پرونده است."
NO_QUOTES_IN_ARTICLE = "در این بیانیه نقل‌قولی نیافتم."
QUOTES_IN_ARTICLE = "💬 <b>نقل‌قول‌های بیانیهٔ {id}</b>"

NO_SPEAKER = "سخنگویی با نام یا سمت «{name}» نیافتم. فهرست سخنگویان: <code>/speakers</code>"
PICK_SPEAKER = "چند نفر با «{name}» جور درمی‌آیند؛ کدام را می‌خواهید؟"
QUOTES_HEADER = "💬 <b>نقل‌قول‌های {name}</b> — صفحهٔ {page}"
SPEAKERS_HEADER = "🎙 <b>سخنگویان</b>"
NO_SPEAKERS = "هنوز نقل‌قولی در بایگانی نیست."
QUOTE_COUNT = "{count} نقل‌قول"
# Reported speech (گفت که …): the reporter's words for what was said, not the speaker's own.
REPORTED_QUOTE = "<i>به نقل به مضمون:</i> {text}"
# What a speaker is, beside its name where it is not a named person.
SPEAKER_KIND = {"title": "سمت", "organisation": "نهاد", "anonymous": "منبع بی‌نام"}

UNKNOWN_COMMAND = "فرمان «{command}» را نمی‌شناسم. فهرست فرمان‌ها: /help"
ERROR = "متأسفم، در پاسخ به این پیام خطایی پیش آمد. لطفاً کمی بعد دوباره امتحان کنید."
INLINE_READ_MORE = "متن کامل"

BUTTON_SUMMARY = "خلاصه"
BUTTON_QUOTES = "نقل‌قول‌ها"
BUTTON_FULL = "متن کامل"
BUTTON_PREVIOUS = "▶️ قبلی"
BUTTON_NEXT = "بعدی ◀️"

# Subscriptions
CMD_SUBSCRIBE = "اشتراک بیانیه‌های تازه (همه یا با واژه)"
CMD_FOLLOW = "اشتراک سخنان یک سخنگو"
CMD_SUBSCRIPTIONS = "اشتراک‌های این گفت‌وگو"
CMD_UNSUBSCRIBE = "لغو اشتراک"
SUBSCRIBED_ALL = "🔔 از این پس هر بیانیهٔ تازه را همین‌جا می‌فرستم. فهرست اشتراک‌ها: /subscriptions"
SUBSCRIBED_QUERY = (
    "🔔 از این پس بیانیه‌های تازه‌ای را که با «{query}» جور باشند همین‌جا می‌فرستم. "
    "فهرست اشتراک‌ها: /subscriptions"
)
SUBSCRIBED_SPEAKER = "🔔 از این پس بیانیه‌های تازه‌ای را که از «{name}» سخنی دارند همین‌جا می‌فرستم."
SPEAKER_NOT_SEEN = "هنوز نقل‌قولی از «{name}» در بایگانی نیست؛ هر گاه بیاید خبرتان می‌کنم."
ALREADY_SUBSCRIBED = "این اشتراک را از پیش دارید. فهرست اشتراک‌ها: /subscriptions"
TOO_MANY_SUBSCRIPTIONS = (
    "هر گفت‌وگو حداکثر {limit} اشتراک می‌تواند داشته باشد؛ نخست یکی را لغو کنید: /subscriptions"
)
SUBSCRIBE_NOTHING = (
    "در این واژه‌ها چیزی برای جست‌وجو نیافتم (یا بیش از {limit} نویسه بود). مثلاً:\n"
    "<code>/subscribe روابط عمومی</code>"
)
USAGE_FOLLOW = "نام یا سمت سخنگو را بنویسید، مثلاً:\n<code>/follow خامسیان</code>"
PICK_FOLLOW = "چند نفر با «{name}» جور درمی‌آیند؛ سخنان کدام را دنبال کنم؟"
SUBSCRIPTIONS_HEADER = "🔔 <b>اشتراک‌های این گفت‌وگو</b>"
SUBSCRIPTIONS_FOOTER = (
    "برای لغو، دکمهٔ 🗑 را بزنید یا بفرستید <code>/unsubscribe شماره</code> "
    "یا <code>/unsubscribe all</code>."
)
NO_SUBSCRIPTIONS = (
    "این گفت‌وگو اشتراکی ندارد. با <code>/subscribe</code> همهٔ بیانیه‌های تازه، با "
    "<code>/subscribe واژه</code> تنها بیانیه‌های مربوط و با <code>/follow نام</code> "
    "سخنان یک سخنگو را بگیرید."
)
SUBSCRIPTION_ALL = "همهٔ بیانیه‌های تازه"
SUBSCRIPTION_QUERY = "جست‌وجوی «{query}»"
SUBSCRIPTION_SPEAKER = "سخنان «{name}»"
UNSUBSCRIBED = "🔕 اشتراک «{what}» لغو شد."
UNSUBSCRIBED_ALL = "🔕 همهٔ اشتراک‌های این گفت‌وگو ({count}) لغو شد."
NOT_A_SUBSCRIPTION = "اشتراکی با شمارهٔ «{text}» نیست. فهرست: /subscriptions"
GROUP_ADMINS_ONLY = "در گروه تنها مدیران گروه می‌توانند اشتراک‌ها را تغییر دهند."
BUTTON_REMOVE = "🗑 {number}"

# Bulletins
BULLETIN = "🔔 <b>بیانیهٔ تازه</b>"
# Why it came, after the heading: each subscription of the chat that the statement matched.
BULLETIN_SPEAKERS = "سخنان {names}"
BULLETIN_QUERIES = "اشتراک {queries}"
BULLETIN_MORE = "و {n} اشتراک دیگر"
QUOTED = "«{}»"
LIST_SEPARATOR = "، "
BUTTON_OPEN_IN_BOT = "خلاصه، نقل‌قول‌ها و متن کامل"

# Administration
CMD_PUBLISH = "انتشار یک بیانیه (مدیران)"
CMD_STATS = "آمار بایگانی و ارسال‌ها (مدیران)"
CMD_DELETE = "حذف یک بیانیه (مدیران)"
CMD_FEED = "خوراک‌های RSS/Atom (مدیران)"
ADMINS_ONLY = "این فرمان تنها برای مدیران سخن است."
PUBLISH_ADMINS_ONLY = (
    "انتشار بیانیه تنها کار مدیران سخن است. برای جست‌وجو کافی است چند واژه بنویسید."
)
USAGE_PUBLISH = (
    "متن بیانیه را پس از فرمان بنویسید، یا <code>/publish</code> را در پاسخ به پیامی بفرستید. "
    "فرستادن پروندهٔ <code>.txt</code> یا بازارسال پست یک کانال هم آن را منتشر می‌کند."
)
PUBLISHED = "✅ بیانیهٔ #{id} منتشر شد: <b>{title}</b>\nبرای {queued} گفت‌وگو در صف ارسال است."
DUPLICATE = "این بیانیه پیش‌تر با شمارهٔ #{id} ثبت شده است و دوباره فرستاده نمی‌شود."
REJECTED = "این متن را نپذیرفتم: {reason}."
REJECTIONS = {
    Rejection.EMPTY: "متنی در آن نیست",
    Rejection.BINARY: "پرونده متنی نیست",
    Rejection.UNDECODABLE: "رمزگذاری نویسه‌های آن شناخته نشد (نه UTF-8 است و نه ویندوز ۱۲۵۶)",
    Rejection.MIXED_ENCODING: "دو رمزگذاری در آن درهم آمده است؛ آن را با UTF-8 ذخیره کنید و دوباره بفرستید",
    Rejection.TOO_LARGE: "از اندازهٔ مجاز بزرگ‌تر است",
    Rejection.NOT_A_FILE: "پروندهٔ معمولی نیست",
    Rejection.NO_FILE: "چنین پرونده‌ای نیست",
    Rejection.EMPTY_FOLDER: "پوشه‌ای بی‌پروندهٔ متنی یا ورد است",
    Rejection.PERMISSION: "اجازهٔ خواندن آن نیست",
    Rejection.NO_PERSIAN: "متن فارسی در آن نیست",
    Rejection.NO_PARAGRAPH: "بندی از متن فارسی در آن نیست",
    Rejection.UNSUPPORTED: "این گونه پرونده پذیرفته نیست",
    Rejection.NOT_DOCX: "پروندهٔ ورد <code>.docx</code> خوانایی نیست",
    Rejection.OLD_WORD: (
        "پروندهٔ ورد قدیمی (<code>.doc</code>) است؛ "
        "آن را به‌صورت <code>.docx</code> ذخیره کنید و دوباره بفرستید"
    ),
}
PHOTO_NEEDS_CAPTION = "برای انتشار عکس، متن بیانیه را در توضیح (کپشن) همان عکس بنویسید."
NOT_TEXT_FILE = (
    "تنها پرونده‌های متنی <code>.txt</code> (تا {limit} مگابایت) و ورد <code>.docx</code> "
    "(تا {word_limit} مگابایت) را می‌پذیرم."
)
STATS = (
    "📊 <b>آمار سخن</b>\n\n"
    "بیانیه‌ها: {articles}\nسخنگویان: {speakers} · نقل‌قول‌ها: {quotes}\n"
    "گفت‌وگوهای مشترک: {subscribers} (ناپیدا: {inactive}) · اشتراک‌ها: {subscriptions}\n"
    "ارسال‌ها: در صف {pending} · فرستاده {sent} · ناموفق {failed}\n"
    "خوراک‌ها: {feeds} (با خطا: {failing})"
)
CONFIRM_DELETE = "بیانیهٔ #{id} حذف شود؟\n<b>{title}</b>\n\nپیام‌هایی که پیش‌تر فرستاده شده‌اند می‌مانند."
BUTTON_CONFIRM_DELETE = "🗑 حذف شود"
BUTTON_KEEP = "نه، بماند"
KEPT = "بیانیهٔ #{id} حذف نشد."
DELETED = "🗑 بیانیهٔ #{id} حذف شد: <b>{title}</b>"
USAGE_FEED = (
    "<code>/feed add نشانی</code> افزودن خوراک RSS/Atom\n"
    "<code>/feed list</code> فهرست خوراک‌ها\n"
    "<code>/feed remove شماره</code> حذف یک خوراک"
)
FEED_ADDED = (
    "✅ خوراک #{id} افزوده شد: {url}\n"
    "مطالب کنونی آن بایگانی می‌شوند و از این پس مطالب تازه‌اش منتشر می‌شود."
)
FEED_EXISTS = "این خوراک از پیش با شمارهٔ #{id} هست."
FEED_LIMIT = "شمار خوراک‌ها به سقف {limit} رسیده است."
FEED_BAD_URL = "این نشانی خوراک پذیرفتنی نیست: {reason}."
FEED_PROBLEMS = {
    FeedProblem.INVALID: "نشانی درست نیست",
    FeedProblem.NO_URL: "نشانی‌ای نوشته نشده است",
    FeedProblem.TOO_LONG: "نشانی بیش از اندازه بلند است",
    FeedProblem.BAD_CHARACTERS: "در نشانی فاصله یا نویسهٔ کنترلی هست",
    FeedProblem.SCHEME: "تنها نشانی‌های http:// و https:// پذیرفته می‌شوند",
    FeedProblem.NO_HOST: "نشانی میزبان ندارد",
    FeedProblem.CREDENTIALS: "نشانی‌های دارای نام کاربری یا گذرواژه پذیرفته نمی‌شوند",
    FeedProblem.PRIVATE: "این نشانی به شبکهٔ داخلی، خودِ سرور یا نشانی رزروشده می‌رسد",
    FeedProblem.UNKNOWN_HOST: "نام میزبان پیدا نشد",
    FeedProblem.TIMEOUT: "کارگزار در زمان مقرر پاسخ نداد",
    FeedProblem.UNREACHABLE: "به کارگزار نرسیدم",
    FeedProblem.HTTP: "کارگزار خطا برگرداند",
    FeedProblem.TOO_LARGE: "خوراک از اندازهٔ مجاز بزرگ‌تر است",
    FeedProblem.REDIRECTS: "نشانی بیش از اندازه بازگردانی شد",
    FeedProblem.NOT_A_FEED: "خوراک RSS یا Atom نیست",
    FeedProblem.MALFORMED: "XML خوراک خراب است",
}
FEEDS_HEADER = "📡 <b>خوراک‌ها</b>"
NO_FEEDS = "خوراکی تعریف نشده است. <code>/feed add نشانی</code>"
FEED_LINE = "#{id} {url}{title}\n   {state}"
FEED_OK = "✅ سالم"
FEED_NEW = "⏳ هنوز خوانده نشده"
FEED_FAILING = "⚠️ {failures} خطای پیاپی: {error}"
FEED_CONFIG = " (از تنظیمات)"
FEED_REMOVED = "خوراک #{id} حذف شد: {url}"
FEED_NOT_FOUND = "خوراکی با شمارهٔ «{text}» نیست. فهرست: <code>/feed list</code>"
FEED_IN_CONFIG = "خوراک #{id} در تنظیمات (SOKHAN_FEEDS) آمده است؛ برای حذف آن را از آنجا بردارید."
FEED_BROKEN = "⚠️ خوراک #{id} خوانده نشد: {error}.\n{url}\nدوباره تلاش می‌کنم (با فاصلهٔ بیشتر)."
FEED_RECOVERED = "✅ خوراک #{id} دوباره خوانده شد: {url}"

# The terminal chat of the local mode
TERMINAL_WELCOME = (
    "گفت‌وگوی محلی با @{bot}\n"
    "پیام یا فرمان بنویسید؛ برای زدن دکمه شماره‌اش را (یا !شماره)؛ برای پاسخ به پیامی ‎>شماره متن‎؛ "
    "برای فرستادن پرونده ‎/file مسیر‎؛ برای سطر تازه Alt+Enter یا \\ در پایان سطر؛ "
    "برای خروج /quit یا Ctrl-D."
)
TERMINAL_LOG = "گزارش کار بات در {path} نوشته می‌شود."
TERMINAL_EDITED = "✏️ ویرایش شد"
TERMINAL_DELETED = "🗑 پیام {id} پاک شد"
TERMINAL_NO_BUTTON = "دکمهٔ {n} نیست."
TERMINAL_NO_MESSAGE = "پیام {id} در این گفت‌وگو نیست."
TERMINAL_REPLY_USAGE = "برای پاسخ، پس از شمارهٔ پیام متن را هم بنویسید: ‎>۱۲ متن‎"
TERMINAL_FILE_USAGE = "برای فرستادن پرونده: ‎/file مسیر [توضیح]‎ (مسیرِ دارای فاصله را در گیومه بگذارید)"
TERMINAL_NO_FILE = "پرونده‌ای در {path} خوانده نشد."
TERMINAL_FILE_TOO_BIG = "{path} بزرگ‌تر از {limit} مگابایت است و فرستاده نشد."
TERMINAL_FILE_SENT = "📎 {name} فرستاده شد (پیام {id})."
TERMINAL_TOO_LONG = (
    "این پیام {count} نویسه است و در یک پیام بیش از {limit} نویسه نمی‌گنجد؛ فرستاده نشد. "
    "متن بلند را در پرونده‌ای بگذارید و با ‎/file مسیر‎ بفرستید."
)
TERMINAL_SENT_AS_FILE = (
    "متن {count} نویسه بود و در یک پیام (تا {limit} نویسه) نمی‌گنجید؛ چون پروندهٔ {name} فرستاده شد."
)
TERMINAL_BYE = "خدانگهدار."
