"""Extractive summaries and derived headlines: pure functions over normalized text.

A summary is 1–3 sentences of the article, in their original order, at most
``MAX_SUMMARY_CHARS`` long. Sentences are scored on

- position, as a prior whose strength depends on the article: agency copy that opens with
  a lede (the body then starts with its attribution, ``به گزارش X،``, or goes on to repeat
  what the first sentence said) has its news first; copy that does not has it wherever it
  is;
- centrality: cosine between its content words (hazm's stopwords out) and the rest's;
- title overlap: the share of the title's content words it repeats;

minus a penalty for what cannot stand alone (fragments, list headings, links).

Most articles open with their lede, and the summary is about as long as an editor's
abstract (``Weights.target_words``): it starts at the best of the opening sentences (at the
lede's start when it is in the lede) and takes the sentences after it while they belong to
the opening, not once the story proper begins (a sentence that retells the first, or opens
a named speaker's statement). A text with nothing before the wire's credit (at its top, or
not there at all) whose first sentence does not tell the title's story either is a column,
an analysis or a long report whose point comes later, and so is a column reprinted under
the wire's credit (``به گزارش X، NAME در یادداشتی نوشت: …``): the summary then gathers the
article's main sentences wherever they are, each chosen for what it adds to the ones before
(``Weights.spread_words``), position counting only as far as the opening is echoed later
(not at all in a reprinted column).

When the summary opens with a statement whose speaker it names (``NAME … اظهار کرد:
CLAIM``) and the article gives that speaker's office, it opens as an abstract of a
statement does in Persian news: the office and the claim (``TITLE گفت: CLAIM``). No
sentence keeps the wire's credit that opens it (``به گزارش X،``): a bulletin names its
source, and an abstract never does.

The weights are few and fitted leave one source out over three agencies (benchmarks/
summary.py); the rest (the lede and echo tests, the length rules) are what news writing is,
not what one agency does.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from storage.analysis.quotes.lexicon import head_of, heads
from storage.analysis.quotes.mentions import MAX_NAME_WORDS, in_office_idiom
from storage.analysis.quotes.narration import without_credit
from storage.text.sentences import (
    ATTRIBUTION,
    content_counts,
    content_words,
    fold_word,
    plain_words,
    split_sentences,
)
from storage.text.sentences import words as folded_words

MAX_SUMMARY_CHARS = 600
MAX_SENTENCES = 3
MAX_HEADLINE_CHARS = 120


@dataclass(frozen=True, slots=True)
class Weights:
    """The summarizer's few parameters, fitted leave one source out by benchmarks/summary.py
    (chosen on some news agencies, checked on the others): the ones fitted on all three
    development agencies, but for ``position``, to which the fit is indifferent and which
    keeps a short text that nothing echoes opening at its lede."""

    # Strength of the position prior when nothing says the article opens with a lede …
    position: float = 0.3
    # … and what is added to it per unit of evidence that it does (1 when the body's
    # attribution follows the opening, else how much of the first sentence the next
    # sentences repeat).
    lede: float = 3.0
    centrality: float = 0.3
    title: float = 0.6
    # An editor's abstract runs to about 30 words: a further sentence is added only while
    # it brings the summary closer to that …
    target_words: int = 30
    # … and tells something new: not one this close (cosine) to the summary's first
    # sentence, which is the story going on after its abstract.
    max_echo: float = 0.4
    # With no lede the point is not in one place: the summary gathers the article's main
    # sentences up to about this many words …
    spread_words: int = 60
    # … and position counts only as far as the opening is echoed further on (this much
    # per unit of echo): a feature's first sentence sets a scene the rest does not retell.
    echo_position: float = 1.0


WEIGHTS = Weights()
# A further sentence sharing more than this share of its words with the summary repeats it.
MAX_REDUNDANCY = 0.6
MIN_WORDS = 5
# Only the opening sentences are candidates where the opening is a lede; the whole article
# still counts for centrality.
MAX_CANDIDATES = 25
# Where it is not, a further way into the article: its point can be anywhere.
MAX_SPREAD_CANDIDATES = 60
# The body's attribution is looked for among the first sentences only: further down,
# ``به گزارش`` cites another source and the text before it is not a lede.
LEDE_SEARCH = 6
# How many sentences after the first are compared with it for the echo of a lede.
ECHO_SPAN = 5

_LINK = re.compile(r"https?://|www\.|@\w")
# A column reprinted whole: the wire's credit (after at most a service's tag), then who
# wrote it where, and a colon: ``به گزارش X، NAME در یادداشتی در روزنامه Y نوشت: …``.
_REPRINT_CREDIT = re.compile(r"^(?:\S+\s+){0,5}?\S*?به\s*گزارش[^،,:؛]{0,120}[،,:؛]")
_WROTE = re.compile(r"\s(?:نوشت(?:ه[\s\u200c]*است)?|می[\s\u200c]*نویسد)\s*:")
# Where a sentence may be cut and still read whole: a comma or a conjunction.
_CLAUSE_BREAK = re.compile(r"\s*[،؛:]|\s(?=(?:و|اما|ولی|که)\s)")


@dataclass(frozen=True, slots=True)
class _Sentence:
    index: int
    text: str
    words: Counter[str]
    length: int  # all words, stopwords included
    penalty: float  # how far it falls short of standing alone as a summary

    @classmethod
    def of(cls, index: int, text: str, words: list[str]) -> _Sentence:
        length = text.count(" ") + 1
        if length < MIN_WORDS or text.endswith((":", "؛")):  # a fragment, a list's heading
            penalty = 1.0
        else:
            penalty = 0.5 if _LINK.search(text) else 0.0
        return cls(index, text, content_counts(words), length, penalty)


def _sentences(paragraphs: Sequence[str], limit: int) -> tuple[list[_Sentence], Counter[str]]:
    """The candidates, the first ``limit`` sentences, and the content words of the whole
    article (the rest is not split into sentences at all)."""
    texts: list[str] = []
    taken = 0
    while taken < len(paragraphs) and len(texts) < limit:
        texts += split_sentences(paragraphs[taken])
        taken += 1
    words = [plain_words(t) for t in texts[:limit]]
    candidates = [_Sentence.of(i, t, w) for i, (t, w) in enumerate(zip(texts, words, strict=False))]
    rest = plain_words(" ".join([*texts[limit:], *paragraphs[taken:]]))
    return candidates, content_counts(itertools.chain(*words, rest))


def _squares(counts: Counter[str]) -> int:
    return sum(map(operator.mul, counts.values(), counts.values()))


def _dot(a: Counter[str], b: Counter[str]) -> int:
    if len(a) > len(b):
        a, b = b, a
    return sum(map(operator.mul, a.values(), map(b.__getitem__, a)))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = _dot(a, b) if a and b else 0
    return dot / math.sqrt(_squares(a) * _squares(b)) if dot else 0.0


def _cosine_with_rest(own: Counter[str], total: Counter[str], total_sq: int) -> float:
    """Cosine between a sentence's words and the rest of the article's, without building
    the rest: its dot product and norm follow from the whole article's."""
    if not own:
        return 0.0
    own_sq = _squares(own)
    dot = _dot(own, total) - own_sq
    rest_sq = total_sq - 2 * (dot + own_sq) + own_sq
    if dot <= 0 or rest_sq <= 0:
        return 0.0
    return dot / math.sqrt(own_sq * rest_sq)


def _lede_length(sentences: list[_Sentence]) -> int:
    """How many sentences come before the body's attribution (0 when it opens the text)."""
    for s in sentences[:LEDE_SEARCH]:
        if ATTRIBUTION.match(s.text):
            return s.index
    return 0


def _lede_evidence(sentences: list[_Sentence], lede: int) -> float:
    """How sure it is that the article opens with a lede, 0–1: the body's attribution after
    the opening settles it; otherwise a lede is what the next sentences go on to repeat
    (an abstract and then its story), which a column's or a feature's opening is not."""
    if lede:
        return 1.0
    first = sentences[0].words
    return max((_cosine(first, s.words) for s in sentences[1 : 1 + ECHO_SPAN]), default=0.0)


def _position(index: int, lede: int) -> float:
    """The lede is one unit, the lead; after it, weight falls with the distance from it."""
    return 1.0 / (1.0 + max(0, index - max(0, lede - 1)))


def _title_shares(sentences: list[_Sentence], title: str | None) -> list[float]:
    """The share of the title's content words each sentence repeats."""
    title_words = content_words(title).keys() if title else set()
    if not title_words:
        return [0.0] * len(sentences)
    return [len(title_words & s.words.keys()) / len(title_words) for s in sentences]


def _reprinted_column(first: str) -> bool:
    """Whether the text is a column reprinted under the wire's credit: its first sentence
    credits the wire and says who wrote what follows (``به گزارش X، NAME در یادداشتی
    نوشت: …``). Such an opening is no lede (news that reports what someone wrote names no
    wire before them), and the column's point is anywhere in it."""
    return bool(_REPRINT_CREDIT.match(first) and _WROTE.search(first))


def _no_lede(lede: int, shares: list[float]) -> bool:
    """Whether the text opens with no lede: nothing before the wire's credit (``به گزارش
    X،``), which opens the text or is not there, and the first sentence does not tell the
    title's story either (another repeats more of the title's words).

    Agency copy whose credit follows its first sentence has that sentence as its lede. With
    nothing before the credit, the opening is the lede only when it says what the title
    says; when it does not, the text is a column, an analysis or a long report whose point
    comes later. Without a title nothing says so."""
    return not lede and shares[0] < max(shares[1:], default=0.0)


def _scores(sentences: list[_Sentence], total: Counter[str], shares: list[float], lede: int,
            prior: float, weights: Weights) -> list[float]:
    total_sq = _squares(total)
    return [
        prior * _position(s.index, lede)
        + weights.centrality * _cosine_with_rest(s.words, total, total_sq)
        + weights.title * shares[s.index]
        - s.penalty
        for s in sentences
    ]


def _redundant(candidate: _Sentence, chosen: list[_Sentence]) -> bool:
    seen = set().union(*(s.words.keys() for s in chosen))
    own = candidate.words.keys()
    return bool(own) and len(own & seen) / len(own) > MAX_REDUNDANCY


def _fitting(sentences: list[_Sentence]) -> list[_Sentence]:
    """The sentences that can be in a summary: short enough, and standing alone if any do."""
    short = [s for s in sentences if len(s.text) <= MAX_SUMMARY_CHARS]
    return [s for s in short if not s.penalty] or short


def _select(sentences: list[_Sentence], scores: list[float], lede: int, weights: Weights) -> list[_Sentence]:
    """The best sentence, then the ones after it while they still belong to the opening.

    The lede is one unit: when the best sentence is in it, the summary is the lede from
    its start, up to a sentence that opens a named speaker's statement (the story after
    its abstract: the wire's credit can come later still). Without a lede, a sentence
    follows while the summary is further below an abstract's length than it would be above
    it with that sentence, unless it repeats the summary's words or its first sentence's
    gist, or opens a named speaker's statement.
    """
    fitting = _fitting(sentences)
    if not fitting:
        return []
    first = max(fitting, key=lambda s: scores[s.index])
    if first.index < lede:
        first = next(s for s in fitting if s.index < lede)
    chosen = [first]
    chars, length = len(first.text), first.length
    for s in sentences[first.index + 1 : first.index + MAX_SENTENCES]:
        in_lede = s.index < lede
        if not in_lede and (lede or length + s.length / 2 >= weights.target_words):
            break
        chars += 1 + len(s.text)
        if chars > MAX_SUMMARY_CHARS or s.penalty or _redundant(s, chosen):
            break
        if _opens_statement(s.text):
            break  # the story proper begins, in a lede of several sentences too
        if not in_lede and _cosine(s.words, first.words) > weights.max_echo:
            break
        chosen.append(s)
        length += s.length
    return chosen


def _opens_statement(text: str) -> bool:
    """Whether a sentence opens a statement by a speaker it names (``سرهنگ NAME اظهار داشت:
    …``), not by pronoun: after an abstract, that is where its story begins."""
    body = ATTRIBUTION.sub("", text, count=1)
    said = _SAID.search(body)
    if said is None or not said.start() or body.count(" ", 0, said.start()) >= _MAX_PREFIX_WORDS:
        return False
    words, _ = _subject(body[: said.start()])
    return bool(words) and head_of(words[0]) not in _PRONOUNS


def _spread(sentences: list[_Sentence], scores: list[float], weights: Weights) -> list[_Sentence]:
    """With no lede the point can be anywhere, and an article that is not news has more
    than one: the best sentence, then the next best for what it adds (its score less its
    closeness to what is chosen, weighed as centrality is), while that brings the summary
    closer to ``Weights.spread_words``."""
    pool = _fitting(sentences)
    chosen: list[_Sentence] = []
    chars = length = 0

    def worth(s: _Sentence) -> float:
        return scores[s.index] - weights.centrality * max(_cosine(s.words, c.words) for c in chosen)

    while pool and len(chosen) < MAX_SENTENCES:
        best = max(pool, key=worth if chosen else lambda s: scores[s.index])
        pool.remove(best)
        if chosen and length + best.length / 2 >= weights.spread_words:
            break
        if chars + len(best.text) + 1 > MAX_SUMMARY_CHARS:
            continue
        chosen.append(best)
        chars, length = chars + len(best.text) + 1, length + best.length
    return sorted(chosen, key=operator.attrgetter("index"))


def summarize(paragraphs: Sequence[str], title: str | None = None, *,
              weights: Weights = WEIGHTS) -> tuple[str, ...]:
    """The summary sentences, in article order: 1–3 of them, ≤ ``MAX_SUMMARY_CHARS`` in all.

    Each is a sentence of the article without the wire's credit, and the first opens as an
    abstract would (see ``abstract_opening``)."""
    sentences, total = _sentences(paragraphs, MAX_SPREAD_CANDIDATES)
    if not sentences:
        return ()
    shares = _title_shares(sentences, title)
    lede = _lede_length(sentences)
    column = _reprinted_column(sentences[0].text)
    if column or _no_lede(lede, shares):
        prior = 0.0 if column else weights.echo_position * _lede_evidence(sentences, 0)
        chosen = _spread(sentences, _scores(sentences, total, shares, 0, prior, weights), weights)
    else:
        sentences = sentences[:MAX_CANDIDATES]
        prior = weights.position + weights.lede * _lede_evidence(sentences, lede)
        chosen = _select(sentences, _scores(sentences, total, shares, lede, prior, weights), lede, weights)
    if not chosen:
        # Not one sentence is short enough (a text without punctuation): cut the first short.
        return (shorten(_uncredited(sentences[0].text), MAX_SUMMARY_CHARS),)
    opening = abstract_opening(chosen[0].text, [s.text for s in sentences if s is not chosen[0]])
    return (opening, *(_uncredited(s.text) for s in chosen[1:]))


def _uncredited(sentence: str) -> str:
    """``sentence`` without the wire's credit that opens it (``به گزارش X،``): a bulletin
    names its source, and an abstract never repeats it."""
    return without_credit(sentence) or sentence


# -- statements -------------------------------------------------------------------------

# A reporting verb before a colon: the statement's claim follows it.
_SAID = re.compile(
    r"\s*(?:گفت|افزود|نوشت|(?:اظهار|بیان|ابراز)[\s\u200c]*(?:کرد|داشت|نمود)"
    r"|(?:تصریح|تاکید|تأکید|عنوان|اعلام|اضافه|خاطرنشان|اشاره)[\s\u200c]*(?:کرد|نمود)"
    r"|خاطرنشان[\s\u200c]*ساخت|یادآور[\s\u200c]*شد|(?:ادامه|توضیح)[\s\u200c]*داد)\s*:\s*"
)
# Other ways a sentence reports what its subject said: ``TITLE با بیان این‌که …``,
# ``TITLE از … خبر داد``.
_REPORTS = re.compile(r"\sبا\s+(?:بیان|اشاره|اعلام|تاکید|تأکید)\s|\sخبر\s*داد")
# What a statement can open with, besides its speaker's words, before the verb.
_MAX_PREFIX_WORDS = 24
_MAX_OFFICE_WORDS = 12


# Heads of an office (``رئیس …``, ``معاون …``, ``سخنگوی …``).
_OFFICE_HEADS = heads(
    "رئیس رییس رئیس‌کل رئیس‌جمهور ریاست معاون وزیر سخنگو سخنگوی نماینده مدیر مدیرکل"
    " مدیرعامل دبیر دبیرکل فرماندار استاندار شهردار بخشدار دهیار فرمانده جانشین سفیر"
    " دادستان قاضی بازپرس وکیل عضو مشاور سرپرست قائم‌مقام نایب رهبر نخست‌وزیر سرمربی"
)
# Words that end a speaker's noun phrase: an adjunct, a time word, a clause.
_SUBJECT_STOPS = heads(
    "در با به از طی ضمن پس بعد قبل پیش روز امروز دیروز امشب صبح ظهر عصر شب شامگاه بامداد"
    " هم نیز که درباره برای تا هنگام پیرامون نسبت بر خطاب ضمنا همچنین"
)
# A speaker named only by pronoun was named before; the statement is not rewritten.
_PRONOUNS = heads("وی او ایشان این آن")
# What cannot open a person's name: a pronoun, an office, an organisation, nobody in
# particular.
_NOT_PEOPLE = _PRONOUNS | _OFFICE_HEADS | heads(
    "روابط وزارت سازمان ستاد شورای شورا دولت مجلس پلیس دادگاه دادستانی قوه سپاه ارتش بانک"
    " شرکت اداره دانشگاه خبرگزاری روزنامه پایگاه شبکه کمیسیون فراکسیون حزب انجمن کانون"
    " اتحادیه فدراسیون باشگاه استانداری فرمانداری شهرداری بخشداری دفتر مرکز بنیاد نهاد"
    " سفارت هیئت هیات اتاق دبیرخانه کمیته مجمع جمعیت بیمارستان گروه منابع منبع مردم یک"
    " یکی برخی بسیاری همه هر اطلاعیه بیانیه گزارش متن نامه پیام خبر کارشناسان مسئولان"
)
_COMMAS = ("،", ",")


def _subject(prefix: str) -> tuple[list[str], str]:
    """The noun phrase opening a statement's ``prefix``, up to an adjunct or a comma, and
    what follows a comma that closes it ('' without one): ``NAME، TITLE، …``."""
    words: list[str] = []
    tokens = prefix.split()
    for i, token in enumerate(tokens):
        if head_of(token) in _SUBJECT_STOPS and not in_office_idiom(tokens, i):
            break
        if token in _COMMAS or token.endswith(_COMMAS):
            if token.rstrip("،,"):
                words.append(token.rstrip("،,"))
            return words, " ".join(tokens[i + 1 :])
        words.append(token)
    return words, ""


def _office(words: list[str]) -> bool:
    return 2 <= len(words) <= _MAX_OFFICE_WORDS and head_of(words[0]) in _OFFICE_HEADS


def _named_office(others: Sequence[str], name: list[str]) -> str | None:
    """The office the article names the speaker ``name`` by elsewhere: the subject of
    another statement that opens with an office (``TITLE ادامه داد:``, ``TITLE با بیان
    این‌که …``), when ``name`` is the one person whose statements the article reports (with
    two, an office could be either's)."""
    found = None
    own = {fold_word(w) for w in name}
    for text in others:
        body = ATTRIBUTION.sub("", text, count=1)
        said = _SAID.search(body) or _REPORTS.search(body)
        if said is None:
            continue
        words, _ = _subject(body[: said.start()])
        if not words or head_of(words[0]) in _PRONOUNS:
            continue
        if _office(words):
            found = found or " ".join(words)
        elif _person(words) and not own & {fold_word(w) for w in words}:
            return None  # someone else speaks too
    return found


def _person(words: list[str]) -> bool:
    """Whether a subject reads as a person's name: a few words, no office, no organisation,
    no digits."""
    return (0 < len(words) <= MAX_NAME_WORDS and head_of(words[0]) not in _NOT_PEOPLE
            and not any(c.isdigit() for w in words for c in w))


def abstract_opening(sentence: str, others: Sequence[str] = ()) -> str:
    """``sentence`` as an abstract would open with it: without the wire's credit (``به
    گزارش X،``), and a statement by a named speaker whose office the article gives (in the
    sentence, ``NAME، TITLE، … اظهار کرد:``, or in ``others``, the article's other sentences
    in order) as ``TITLE گفت: CLAIM``. An organisation's statement or an unnamed speaker's
    keeps its words."""
    body = _uncredited(sentence)
    said = _SAID.search(body)
    if said is None or not said.start():
        return body
    prefix, claim = body[: said.start()], body[said.end() :]
    words, after_comma = _subject(prefix)
    # NAME TITLE with no comma between: علی رضایی مدیرکل بهزیستی استان
    split = next((i for i, w in enumerate(words) if i and head_of(w) in _OFFICE_HEADS), len(words))
    words, office = words[:split], words[split:]
    if (not _person(words) or prefix.count(" ") >= _MAX_PREFIX_WORDS
            or claim.count(" ") + 1 < MIN_WORDS):
        return body
    if not office and after_comma:
        office = _subject(after_comma)[0]
    title = " ".join(office) if _office(office) else _named_office(others, words)
    if title is None:
        return body
    verb = "نوشت" if said.group().strip(" :") == "نوشت" else "گفت"  # a column is written
    return f"{title} {verb}: {claim}"


# -- headlines --------------------------------------------------------------------------


def headline(speaker: str | None, quote: str | None, summary: Sequence[str]) -> str | None:
    """A headline for an untitled article, ≤ ``MAX_HEADLINE_CHARS``.

    Persian news style names the speaker and gives the gist of the lead quote
    (``خامسیان: …``); without a quote, the summary's opening stands in, its attribution
    (``به گزارش X،``) dropped.
    """
    if speaker and quote:
        prefix = f"{speaker}: "
        return prefix + shorten(split_sentences(quote)[0], MAX_HEADLINE_CHARS - len(prefix))
    if summary:
        return shorten(_uncredited(summary[0]), MAX_HEADLINE_CHARS)
    return None


def beside_headline(headline: str | None, summary: Sequence[str]) -> str | None:
    """The headline to show above ``summary``, or ``None`` when the summary's opening says
    it word for word (a headline made from the summary of an untitled one-sentence
    statement): a view then shows the summary alone rather than the same words twice."""
    if not headline or not summary:
        return headline
    said = folded_words(headline)
    opening = folded_words(summary[0])
    return None if said and opening[: len(said)] == said else headline


def shorten(text: str, limit: int) -> str:
    """``text`` without its final stop, cut to ``limit`` characters if longer: at the last
    clause break that keeps half of it (a clause reads whole), else at a word, with "…"."""
    text = text.rstrip(" .")
    if len(text) <= limit:
        return text
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text, 0, limit + 1)]
    if breaks and breaks[-1] >= limit // 2:
        return text[: breaks[-1]].rstrip(" ،؛:")
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ،؛:") + "…"
