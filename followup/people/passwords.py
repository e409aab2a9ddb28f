"""What a password must be: long, not among the common ones, not the user's own name
or address, not a known word with digits or characters around it. zxcvbn judges how
guessable it is (its lists of common passwords, names, words and keyboard patterns),
told also the words that are common *here*: the municipality's, board's and product's
names, the user's name and address, Swedish seasons and months. The messages here are
Swedish.

zxcvbn alone let "Sommar2026!!" and "Socialnämnden2026" through (issue 23.8): it
scores a word, a year and two characters as three separate pieces and multiplies,
which is not how people guess. So a password that is only one or two known words (or a
run of keys such as "abcdefgh") with at most six digits or characters around it is
refused before zxcvbn is asked, and so is one from the list of common passwords in
followup/people/data/common-passwords.txt (made by followup/people/data/make_common_passwords.py from
zxcvbn's own list and Swedish passwords; read from the repository, never downloaded)."""

import functools
import re
import unicodedata
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 1000
MIN_SCORE = 3  # zxcvbn 0–4: 3 is "safely unguessable" for an online attack
PRODUCT = "Planuppföljning"
# zxcvbn's lists are English; these Swedish words are as common in passwords here.
LOCAL_WORDS = ["lösenord", "losenord", "hemligt", "välkommen", "valkommen", "kommun",
               "followup", "qwertyuiop", "asdfghjkl", "mitt", "ditt", "nytt"]
SEASONS = ["sommar", "sommaren", "vinter", "vintern", "höst", "hösten", "vår", "våren"]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
COMMON_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; what follows adds strength, not risk
# A known word with up to this many digits or characters around it is guessed early.
_MAX_DECORATION = 6
# Endings a Swedish word takes (nämnd → nämnden): the word is as easy to guess with them.
_ENDINGS = ("en", "et", "n", "t", "na", "er", "ar", "or", "s")
# Characters written for letters ("l0senord", "p@ss"), read as letters between letters.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_RUNS = ["abcdefghijklmnopqrstuvwxyzåäö", "qwertyuiopå", "asdfghjklöä", "zxcvbnm",
         "1234567890"]


def refusal(password, name="", email=""):
    """Why ``password`` is refused (Swedish, lower case), or None."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"lösenordet måste ha minst {MIN_LENGTH} tecken"
    if len(password) > MAX_LENGTH:
        return f"lösenordet får ha högst {MAX_LENGTH} tecken"
    folded = _letters(password)
    own = _own_words(name, email)
    if any(word in folded for word in own if len(word) >= 4):
        return "lösenordet får inte innehålla ditt namn eller din e-postadress"
    common = common_passwords()
    lowered = password.lower()
    if lowered in common or _plain(lowered) in common or _unleet(lowered) in common:
        return ("lösenordet finns bland de vanligaste lösenorden och prövas först av den "
                "som gissar; välj flera ovanliga ord")
    hints = own + _email_parts(email) + context_words() + LOCAL_WORDS + SEASONS + MONTHS
    found = _decorated_word(password, hints)
    if found:
        return found
    from zxcvbn import zxcvbn  # its word lists load on first use, not at start-up

    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=hints)
    if result["score"] < MIN_SCORE:
        return ("lösenordet är för lätt att gissa (ett vanligt lösenord, ett ord, "
                "en upprepning eller en följd av tangenter); välj flera ovanliga ord")
    return None


@functools.lru_cache(maxsize=1)
def common_passwords():
    """The shipped list of common passwords, lower case."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines
                     if line.strip() and not line.startswith("#"))


@functools.lru_cache(maxsize=1)
def _common_words():
    """The words among the common passwords (letters only), as _plain writes them."""
    return frozenset(_plain(w) for w in common_passwords() if w.isalpha() and len(w) >= 3)


def context_words():
    """The names people here make passwords of: each plan's municipality and board, and
    the product, whole and word by word, lower case. Outside an application (no
    database) only the product."""
    names = [PRODUCT]
    try:
        from sqlalchemy import select

        from followup.core.extensions import db
        from followup.plans.models.plan import Plan

        for municipality, board in db.session.execute(
                select(Plan.municipality, Plan.board_name).distinct()):
            names += [municipality or "", board or ""]
    except RuntimeError:  # no application context
        pass
    words = set()
    for text in names:
        words.add(_letters(text))
        words |= {_letters(part) for part in re.split(r"[\s\-/,.]+", text)}
    return sorted(w for w in words if len(w) >= 3)


def _decorated_word(password, extra):
    """A refusal if ``password`` is one or two known words, or a run of keys, with at
    most _MAX_DECORATION digits or characters around them; else None."""
    text = _unleet(password.lower())
    core = "".join(re.findall(r"[^\W\d_]+", text))
    if not core or len(text) - len(core) > _MAX_DECORATION:
        return None
    if len(core) >= 4 and any(core in run or core in run[::-1] for run in _RUNS):
        return (f"lösenordet är en följd av tangenter eller bokstäver (”{core}”) med några "
                "siffror eller tecken, och sådant prövas först av den som gissar; välj "
                "flera ovanliga ord")
    known = _common_words() | {_plain(w) for w in extra if len(w) >= 3}
    plain = _plain(core)
    words = _split(plain, known)
    if words is None:
        return None
    if len(plain) == len(core):  # named as typed, "nämnden" not "namnden"
        words = [core[:len(words[0])]] + ([core[len(words[0]):]] if len(words) > 1 else [])
    named = " och ".join(f"”{w}”" for w in words)
    kind = "ordet" if len(words) == 1 else "orden"
    return (f"lösenordet är bara {kind} {named} med några siffror eller tecken, och "
            "sådant prövas först av den som gissar; välj flera ovanliga ord")


def _split(core, known):
    """``core`` as one or two known words (a Swedish ending allowed), or None."""
    if _known(core, known):
        return [core]
    for i in range(3, len(core) - 2):
        if _known(core[:i], known) and _known(core[i:], known):
            return [core[:i], core[i:]]
    return None


def _known(word, known):
    if word in known:
        return True
    return any(word.endswith(e) and len(word) - len(e) >= 3 and word[:-len(e)] in known
               for e in _ENDINGS)


def _unleet(text):
    """Digits and signs between letters read as the letters they stand for."""
    chars = list(text)
    for i, c in enumerate(chars):
        if c in _LEET and 0 < i < len(chars) - 1 and chars[i - 1].isalpha() \
                and chars[i + 1].isalpha():
            chars[i] = _LEET[c]
    return "".join(chars)


def _plain(text):
    """Without accents: "planuppföljning" and "planuppfoljning" are one word."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def _letters(text):
    return re.sub(r"[\W_]+", "", (text or "").lower())


def _own_words(name, email):
    """The name whole and its parts of three letters or more, and the address's local
    part: what a password must not contain (parts of four letters or more; shorter ones
    such as "per" turn up by chance in random passwords) and what zxcvbn is told."""
    words = {_letters(name)} | {_letters(p) for p in re.split(r"[\s\-]+", name or "")}
    local = (email or "").split("@")[0]
    words |= {_letters(local)} | {_letters(p) for p in re.split(r"[._+\-]+", local)}
    return sorted(w for w in words if len(w) >= 3)


def _email_parts(email):
    """The address's domain, label by label ("ekbacka", "example"): common words here,
    though not forbidden inside a longer password."""
    domain = (email or "").partition("@")[2]
    labels = [_letters(p) for p in domain.split(".")]
    return sorted({w for w in labels + [_letters(domain)] if len(w) >= 3})
