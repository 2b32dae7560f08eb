"""Comparable keys for people's names, tolerant of the ways one name is transliterated.

The same person is registered as "Mohamed Ali" by one volunteer and "Muhammad Aly" by
the next: names reach us through Arabic, Tigrinya, Bengali or Cyrillic, written down by
ear. ``name_key`` reduces a full name to a key that such variants share, for finding
possible duplicates and for searching. A shared key means "maybe the same person",
never "certainly": an operator always decides.
"""

from __future__ import annotations

import re
import unicodedata

#: Digraphs written for one sound: "Khaled" = "Kaled", "Dhahir" = "Dahir".
DIGRAPHS = (("ph", "f"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("ck", "k"))
#: Letters used as vowels by some transliterations: "Aly" = "Ali", "Wael" = "Uael".
AS_VOWEL = str.maketrans({"y": "i", "w": "u"})
VOWELS = frozenset("aeiou")
_REPEATS = re.compile(r"(.)\1+")
_NOT_A_LETTER = re.compile(r"[^\w]|[\d_]")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _word_step(word: str) -> str:
    word = word.translate(AS_VOWEL)
    # Vowels are what transliterations disagree on most (Mohamed, Muhammad, Mohammad):
    # keep only whether the word starts with one, as "a", and drop the others.
    head, rest = word[0], word[1:]
    word = ("a" if head in VOWELS else head) + "".join(c for c in rest if c not in VOWELS)
    word = _REPEATS.sub(r"\1", word)  # Mohammed = Mohamed, Youssef = Yousef
    for digraph, sound in DIGRAPHS:
        word = word.replace(digraph, sound)
    return _REPEATS.sub(r"\1", word)


def word_key(word: str) -> str:
    """The key of one word (already lowercased, without accents), e.g. "mohammed" →
    "mhmd". The steps repeat until nothing changes, so a key is its own key."""
    for _attempt in range(10):
        if not word:
            return ""
        changed = _word_step(word)
        if changed == word:
            break
        word = changed
    return word


def name_key(text: str) -> str:
    """ "Mohamed Ali", "Mohammed Aly", "Muhammad Ali" and "Ali Mohamed" → "al mhmd".

    1. case and accents go (casefold, Unicode decomposition without combining marks),
       and anything that is not a letter separates words ("El-Sayed" = "El Sayed");
    2. in each word "y" and "w" count as vowels ("i", "u"); a leading vowel becomes
       "a" (Omar = Umar) and the other vowels are dropped, because transliterations
       disagree on them most ("ou", "oo", "ee", "e" for "a"…);
    3. doubled letters collapse ("mm" → "m", "ss" → "s") and digraphs of one sound are
       written as that sound: ph → f, kh → k, gh → g, dh → d, th → t, ck → k;
    4. the word keys are sorted, so the order of first and last names does not matter.

    Idempotent: ``name_key(name_key(x)) == name_key(x)``.
    """
    plain = _NOT_A_LETTER.sub(" ", _strip_accents(text or "").casefold())
    keys = (word_key(word) for word in plain.split())
    return " ".join(sorted(key for key in keys if key))
